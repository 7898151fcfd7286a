"""RSS 2.0 and Atom feeds -> one Article per entry, bodies converted from HTML to Markdown."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import feedparser

from indexer.ingest.article_ids import derived_id
from indexer.ingest.fields import (
    coerce_date,
    coerce_tags,
    coerce_url,
    optional_text,
    required_text,
    slug_from_url,
    unicode_problem,
)
from indexer.ingest.html_to_markdown import html_to_markdown
from indexer.model import Article, LoadFailure, LoadResult

# The text arrives already checked as UTF-8; saying so overrides a stale XML declaration
# (an HTTP charset beats the declared encoding, and feedparser follows that rule).
_UTF8 = {"content-type": "application/xml; charset=utf-8"}


def load_feed(text: str, source_path: str) -> LoadResult:
    """An Article per entry; an entry that cannot become one is a LoadFailure naming it.

    A file feedparser cannot make sense of (malformed, with no entries recovered) is one
    LoadFailure; a well-formed feed with no entries is simply empty.
    """
    problem = unicode_problem(text)
    if problem:
        return LoadResult(articles=(), failures=(LoadFailure(source_path, *problem),))
    parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers=_UTF8)
    # Plain dicts: feedparser's own answers `updated` with `published` when an entry has none.
    entries: Sequence[Mapping[str, Any]] = [dict(e.items()) for e in parsed.get("entries") or []]
    if not entries and parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        reported = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
        # An error at the end of the input is reported on the line after the last one.
        line = min(int(reported), text.count("\n") + 1) if reported else None
        reason = f"malformed feed with no entries: {_describe(exc)}"
        return LoadResult(articles=(), failures=(LoadFailure(source_path, reason, line),))
    if not entries and not parsed.get("version"):
        failure = LoadFailure(source_path, "not an RSS or Atom feed")
        return LoadResult(articles=(), failures=(failure,))

    articles: list[Article] = []
    failures: list[LoadFailure] = []
    for number, entry in enumerate(entries, start=1):
        try:
            articles.append(_article(entry, source_path))
        except ValueError as exc:
            title = optional_text(entry.get("title"), "title")
            name = f"entry {number}" + (f" ({title!r})" if title else "")
            failures.append(LoadFailure(source_path, f"{name}: {exc}"))
    return LoadResult(articles=tuple(articles), failures=tuple(failures))


def _article(entry: Mapping[str, Any], source_path: str) -> Article:
    link = coerce_url(entry.get("link"), "link")
    guid = optional_text(entry.get("id"), "guid")
    article_id = (link and slug_from_url(link)) or (guid and derived_id(guid))
    if not article_id:
        raise ValueError("missing id: the entry has no link with a path and no guid/id")
    contents: list[Mapping[str, Any]] = entry.get("content") or []
    summary = _text(entry.get("summary"), entry.get("summary_detail"))
    return Article(
        id=article_id,
        title=required_text(entry.get("title"), "title"),
        text=_text(contents[0].get("value"), contents[0]) if contents else summary,
        source_path=source_path,
        url=link,
        author=optional_text(entry.get("author"), "author"),
        published=_entry_date(entry, "published"),
        updated=_entry_date(entry, "updated"),
        tags=coerce_tags([tag.get("term") for tag in entry.get("tags") or []]),
        summary=(summary or None) if contents else None,
    )


def _text(value: object, detail: Mapping[str, Any] | None) -> str:
    if not isinstance(value, str):
        return ""
    content_type = (detail or {}).get("type") or "text/html"
    return html_to_markdown(value) if "html" in content_type else value.strip()


def _entry_date(entry: Mapping[str, Any], field: str) -> date | None:
    """The date as written (RSS and Atom carry an offset), else feedparser's own parse.

    feedparser's `*_parsed` is normalised to UTC, which moves an evening post in New York to
    the next day; it is only the fallback for formats our parser does not know.
    """
    try:
        return coerce_date(entry.get(field), field)
    except ValueError:
        parsed = entry.get(f"{field}_parsed")
        if parsed is None:
            raise
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)


def _describe(exc: object) -> str:
    if exc is None:
        return "unknown error"
    return str(exc) or type(exc).__name__
