"""Shaping service results into the API's response models."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel

from indexer.model import Article, Hit
from indexer.search.search_service import ArticleResult, SearchPage
from indexer.text.highlighting import QueryHighlighter
from indexer.text.inline_markdown import plain_text
from indexer.text.passage_html import passage_html
from search_api.schemas import (
    ArticleHitOut,
    ArticleOut,
    DateIntentOut,
    PassageOut,
    RelatedOut,
    SearchResponse,
)


class PreEncoded(Response):
    """A response model encoded once, straight to JSON bytes."""

    media_type = "application/json"

    def __init__(self, model: BaseModel, status_code: int = 200) -> None:
        super().__init__(model.__pydantic_serializer__.to_json(model), status_code)


def passage_out(hit: Hit, highlighter: QueryHighlighter) -> PassageOut:
    spans = highlighter.spans(hit.text)
    return PassageOut(
        chunk_id=hit.chunk_id,
        heading=hit.heading,
        anchor=hit.anchor,
        url=hit.deep_link,
        text=hit.text,
        plain=plain_text(hit.text),
        # Links in a passage are read against its article's address, not the search page's.
        highlighted=passage_html(hit.text, spans, base_url=hit.url),
        highlights=spans,
        start=hit.start,
        end=hit.end,
        score=round(hit.score, 6),
    )


def article_hit_out(result: ArticleResult, highlighter: QueryHighlighter) -> ArticleHitOut:
    best = result.best
    return ArticleHitOut(
        article_id=result.article_id,
        title=best.title,
        url=best.url,
        published=best.published,
        updated=best.updated,
        author=best.author,
        tags=list(best.tags),
        score=round(result.score, 6),
        passages=[passage_out(hit, highlighter) for hit in result.passages],
    )


def search_response(page: SearchPage, query_id: str | None = None) -> SearchResponse:
    intent = page.date_intent
    highlighter = QueryHighlighter(page.query)
    return SearchResponse(
        query=page.query,
        mode=page.mode,
        page=page.page,
        k=page.k,
        total=page.total,
        snapshot=page.generation,
        took_ms=round(page.took_ms, 2),
        date_intent=DateIntentOut(kind=intent.kind, year=intent.year) if intent else None,
        results=[article_hit_out(result, highlighter) for result in page.results],
        query_id=query_id,
    )


def related_response(article_id: str, results: list[ArticleResult]) -> RelatedOut:
    unmarked = QueryHighlighter("")  # nothing was typed, so nothing is marked
    return RelatedOut(
        article_id=article_id, related=[article_hit_out(r, unmarked) for r in results]
    )


def article_out(article: Article, sections: list[str]) -> ArticleOut:
    return ArticleOut(
        article_id=article.id,
        title=article.title,
        url=article.url,
        published=article.published,
        updated=article.updated,
        author=article.author,
        tags=list(article.tags),
        summary=article.summary,
        sections=sections,
        text=article.text,
    )
