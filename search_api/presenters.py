"""Shaping service results into the API's response models."""

from __future__ import annotations

from indexer.highlighting import highlight_html, match_spans
from indexer.model import Article, Hit
from indexer.services import ArticleResult, SearchPage
from search_api.schemas import (
    ArticleHitOut,
    ArticleOut,
    DateIntentOut,
    PassageOut,
    SearchResponse,
)


def passage_out(hit: Hit, query: str) -> PassageOut:
    spans = match_spans(hit.text, query) if query else []
    return PassageOut(
        chunk_id=hit.chunk_id,
        heading=hit.heading,
        anchor=hit.anchor,
        url=hit.deep_link,
        text=hit.text,
        highlighted=highlight_html(hit.text, spans),
        highlights=spans,
        start=hit.start,
        end=hit.end,
        score=round(hit.score, 6),
    )


def article_hit_out(result: ArticleResult, query: str) -> ArticleHitOut:
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
        passages=[passage_out(hit, query) for hit in result.passages],
    )


def search_response(page: SearchPage) -> SearchResponse:
    intent = page.date_intent
    return SearchResponse(
        query=page.query,
        mode=page.mode,
        page=page.page,
        k=page.k,
        total=page.total,
        snapshot=page.generation,
        took_ms=round(page.took_ms, 2),
        date_intent=DateIntentOut(kind=intent.kind, year=intent.year) if intent else None,
        results=[article_hit_out(result, page.query) for result in page.results],
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
