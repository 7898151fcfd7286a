"""RSS 2.0 and Atom feeds -> one Article per entry, bodies converted from HTML to Markdown.

What a reader needs from an entry is where the post really lives and when it was published:
the original link over a FeedBurner proxy link, a relative link made absolute, the first date
the feed gives, and the full content rather than the teaser.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from selectolax.lexbor import LexborHTMLParser

from indexer.ingest.article_ids import derived_id
from indexer.ingest.fields import (
    coerce_date,
    coerce_tags,
    coerce_url,
    optional_text,
    required_text,
    slug_from_url,
)
from indexer.ingest.html_to_markdown import html_to_markdown
from indexer.model import Article, LoadFailure, LoadResult
from indexer.text.unicode import unicode_problem

# The text arrives already checked as UTF-8; saying so overrides a stale XML declaration
# (an HTTP charset beats the declared encoding, and feedparser follows that rule).
_UTF8 = {"content-type": "application/xml; charset=utf-8"}
_WEB_SCHEMES = frozenset({"http", "https"})
# feedparser files pubDate and atom:published under `published`, dcterms:created under
# `created`, and dc:date with atom:updated under `updated`: the first one present is the date.
_PUBLISHED_FIELDS = ("published", "created", "updated")


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

    # xml:base is applied by feedparser; a relative link without one is read against the site.
    channel: Mapping[str, Any] = parsed.get("feed") or {}
    site = optional_text(channel.get("link"), "link")
    # An Atom entry without an author has the feed's (RFC 4287, section 4.2.1).
    feed_author = _optional(channel.get("author"), "author")
    articles: list[Article] = []
    failures: list[LoadFailure] = []
    for number, entry in enumerate(entries, start=1):
        try:
            articles.append(_article(entry, source_path, site, feed_author))
        except ValueError as exc:
            title = optional_text(entry.get("title"), "title")
            name = f"entry {number}" + (f" ({title!r})" if title else "")
            failures.append(LoadFailure(source_path, f"{name}: {exc}"))
    return LoadResult(articles=tuple(articles), failures=tuple(failures))


def _article(
    entry: Mapping[str, Any], source_path: str, site: str | None, feed_author: str | None
) -> Article:
    link = coerce_url(_link(entry, site), "link")
    guid = optional_text(entry.get("id"), "guid")
    article_id = (link and slug_from_url(link)) or (guid and derived_id(guid))
    if not article_id:
        raise ValueError("missing id: the entry has no link with a path and no guid/id")
    content = _content(entry)
    summary = _text(entry.get("summary"), entry.get("summary_detail"))
    # With no description, feedparser repeats the content as the summary.
    summary = "" if summary == content else summary
    published = _first_date(entry, _PUBLISHED_FIELDS)
    updated = _first_date(entry, ("updated",))
    return Article(
        id=article_id,
        title=_title(required_text(entry.get("title"), "title"), entry.get("title_detail")),
        text=content or summary,
        source_path=source_path,
        url=link,
        author=_optional(entry.get("author"), "author") or feed_author,
        published=published,
        # An update before the publication is a dc:date that was the publication date.
        updated=updated if updated and published and updated > published else None,
        tags=coerce_tags([tag.get("term") for tag in entry.get("tags") or []]),
        summary=(summary or None) if content else None,
    )


def _title(title: str, detail: Mapping[str, Any] | None) -> str:
    """An Atom title of type html (`Reading <code>EXPLAIN</code>`) read as its text."""
    if "html" not in ((detail or {}).get("type") or ""):
        return title
    return " ".join(LexborHTMLParser(title).text().split()) or title


def _optional(value: object, field: str) -> str | None:
    # feedparser reads a <name>-less Atom author as an empty string; that is no author.
    return optional_text(value, field) if isinstance(value, str) else None


def _link(entry: Mapping[str, Any], site: str | None) -> str | None:
    """The post's own address: FeedBurner's `origLink` over its proxy link, made absolute."""
    original = optional_text(entry.get("feedburner_origlink"), "feedburner:origLink")
    link = original or optional_text(entry.get("link"), "link")
    if link and site and not urlsplit(link).scheme:
        joined = urljoin(site, link)
        return joined if urlsplit(joined).scheme in _WEB_SCHEMES else link
    return link


def _content(entry: Mapping[str, Any]) -> str:
    """The longest full-content body (content:encoded, Atom content, XHTML), as Markdown.

    An out-of-line Atom content (`src=`) has no value, so the summary stands in for it.
    """
    bodies = [_text(c.get("value"), c) for c in entry.get("content") or []]
    return max(bodies, key=len, default="")


def _text(value: object, detail: Mapping[str, Any] | None) -> str:
    if not isinstance(value, str):
        return ""
    content_type = (detail or {}).get("type") or "text/html"
    return html_to_markdown(value) if "html" in content_type else value.strip()


def _first_date(entry: Mapping[str, Any], fields: tuple[str, ...]) -> date | None:
    for field in fields:
        found = _entry_date(entry, field)
        if found is not None:
            return found
    return None


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
