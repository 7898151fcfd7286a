"""The metadata store's rows to domain objects and back: dates as ISO text, tags and heading
paths as JSON. Each column list sits next to the function that decodes rows in its order."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from indexer.model import Article, Chunk, Hit

# title, url, published, updated, author, tags
ArticleHead = tuple[str, str | None, date | None, date | None, str | None, tuple[str, ...]]

HEAD_COLUMNS = "id, title, url, published, updated, author, tags"
HIT_COLUMNS = 'id, article_id, heading_path, anchor, start, "end", text'


def article_head(row: tuple[Any, ...]) -> tuple[str, ArticleHead]:
    """(article id, head) from a plain row of HEAD_COLUMNS."""
    article_id, title, url, published, updated, author, tags = row
    return article_id, (title, url, _date(published), _date(updated), author, _tags(tags))


def hit(row: tuple[Any, ...], head: ArticleHead, score: float) -> Hit:
    """A search hit from a plain row of HIT_COLUMNS and its article's head."""
    chunk_id, article_id, heading_path, anchor, start, end, text = row
    title, url, published, updated, author, tags = head
    return Hit(
        chunk_id=chunk_id,
        article_id=article_id,
        title=title,
        url=url,
        heading=_innermost_heading(heading_path),
        anchor=anchor,
        text=text,
        start=start,
        end=end,
        score=score,
        published=published,
        updated=updated,
        author=author,
        tags=tags,
    )


def article(row: sqlite3.Row) -> Article:
    """An Article from a named row of every `articles` column."""
    return Article(
        id=row["id"],
        title=row["title"],
        text=row["text"],
        source_path=row["source_path"],
        url=row["url"],
        author=row["author"],
        published=_date(row["published"]),
        updated=_date(row["updated"]),
        tags=_tags(row["tags"]),
        summary=row["summary"],
    )


def article_values(article: Article) -> tuple[object, ...]:
    """Every `articles` column but `removed_gen`, in table order."""
    return (
        article.id,
        article.title,
        article.url,
        article.author,
        article.published and article.published.isoformat(),
        article.updated and article.updated.isoformat(),
        json.dumps(list(article.tags)),
        article.summary,
        article.source_path,
        article.content_hash,
        article.text,
        now(),
    )


def chunk_values(chunk: Chunk, generation: int, terms: str | None) -> tuple[object, ...]:
    """article_id, ordinal, content_hash, heading_path, anchor, start, end, token_count, part,
    context, text, added_gen, terms."""
    context = chunk.embed_text[: len(chunk.embed_text) - len(chunk.text)]
    return (
        chunk.article_id,
        chunk.ordinal,
        chunk.content_hash,
        json.dumps(list(chunk.heading_path)),
        chunk.anchor,
        chunk.start,
        chunk.end,
        chunk.token_count,
        chunk.part,
        context,
        chunk.text,
        generation,
        terms,
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=4096)
def _innermost_heading(heading_path: str) -> str | None:
    # An article's passages share a handful of heading paths: decode each once.
    path = json.loads(heading_path)
    return str(path[-1]) if path else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _tags(value: str) -> tuple[str, ...]:
    return tuple(json.loads(value))
