"""Coercion of the loosely typed fields every source format shares.

Each function takes whatever a parser handed over (YAML scalars, JSON values, meta attribute
strings) and returns the typed value an `Article` wants, or raises `ValueError` with a message
that can be shown to the person who wrote the source file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import PurePath
from urllib.parse import unquote, urlsplit

from indexer.ingest.article_ids import derived_id
from indexer.model import Article
from indexer.text.unicode import UNSEEN as _UNSEEN

DRAFT_STATUSES = frozenset({"draft", "unpublished", "private"})
_TRUE_STRINGS = frozenset({"true", "yes", "1", "on"})
_PAGE_SUFFIXES = (".html", ".htm")


def article_from_fields(
    raw: Mapping[str, object], *, article_id: str, title: str, text: str, source_path: str
) -> Article:
    """An Article whose optional fields (url, author, dates, tags, summary, draft) come from `raw`,
    the key names front matter and JSON records share. Raises ValueError on a bad value."""
    return Article(
        id=article_id,
        title=title,
        text=text,
        source_path=source_path,
        url=coerce_url(raw.get("url")),
        author=optional_names(raw.get("author"), "author"),
        published=coerce_date(raw.get("published"), "published"),
        updated=coerce_date(raw.get("updated"), "updated"),
        tags=coerce_tags(raw.get("tags")),
        summary=optional_text(raw.get("summary"), "summary"),
        draft=is_draft(raw),
    )


def required_text(value: object, field: str) -> str:
    text = optional_text(value, field)
    if text is None:
        raise ValueError(f"missing {field}")
    return text


def coerce_date(value: object, field: str) -> date | None:
    """A `date` from a date, datetime, ISO 8601 or RFC 822 string; None when absent or blank.

    A datetime keeps the calendar date it was written with, not its UTC date: an article
    published late in the evening in New York was published that day for its readers.
    """
    if value is None:
        return None
    # datetime is a subclass of date, so it must be checked first.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a date, got {type(value).__name__} {value!r}")
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        pass
    raise ValueError(
        f"{field} {text!r} is not a date: expected ISO 8601 (2024-05-01) "
        "or RFC 822 (Wed, 01 May 2024 10:00:00 GMT)"
    )


def coerce_tags(value: object) -> tuple[str, ...]:
    """Lowercase, stripped, de-duplicated tags from a list or a comma-separated string."""
    if value is None:
        return ()
    if isinstance(value, str):
        raw: list[object] = list(value.split(","))
    elif isinstance(value, list | tuple):
        raw = list(value)
    else:
        raise ValueError(
            f"tags must be a list or a comma-separated string, got {type(value).__name__}"
        )
    tags: list[str] = []
    for item in raw:
        if item is None:
            continue
        if isinstance(item, dict | list):
            raise ValueError(f"each tag must be a plain value, got {item!r}")
        tag = str(item).strip().lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def optional_text(value: object, field: str) -> str | None:
    """A stripped string, or None when absent or blank. Numbers are read as their text."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{field} must be text, got {type(value).__name__} {value!r}")
    return str(value).strip() or None


def optional_names(value: object, field: str) -> str | None:
    """Like `optional_text`, and a list (several authors) is joined with commas."""
    if isinstance(value, list):
        parts = [optional_text(item, field) for item in value]
        return ", ".join(p for p in parts if p) or None
    return optional_text(value, field)


# An absolute http(s) URL with a host (no user part: `https://bank.example@evil.example` goes to
# evil.example), or a path on the site: `/` not followed by `/` or a backslash, both of which
# browsers follow to another site. No backslash anywhere. The API publishes this in its schema.
_HOST = rf"[^{_UNSEEN}\\/?#@\[\]:]+(?::[0-9]{{1,5}})?"
WEB_LINK_PATTERN = (
    rf"[Hh][Tt][Tt][Pp][Ss]?://{_HOST}(?:[/?#][^{_UNSEEN}\\]*)?"
    rf"|/(?:[^{_UNSEEN}\\/][^{_UNSEEN}\\]*)?"
)
_WEB_LINK = re.compile(WEB_LINK_PATTERN)
_UNSEEN_CHAR = re.compile(f"[{_UNSEEN}]")


def coerce_url(value: object, field: str = "url") -> str | None:
    """An absolute http(s) URL or a path on the site, stripped; None when absent or blank."""
    url = optional_text(value, field)
    if url is None:
        return None
    problem = url_problem(url)
    if problem is not None:
        raise ValueError(
            f"{field} {ascii(url[:100])} {problem}: give an absolute http(s) URL "
            "(https://blog.example/posts/a) or a path on the site (/posts/a)"
        )
    return url


def url_problem(url: str) -> str | None:
    """Why `url` is not a link readers may follow, or None. `WEB_LINK_PATTERN` decides; the
    rest only says why."""
    if _WEB_LINK.fullmatch(url):
        return None
    if _UNSEEN_CHAR.search(url):
        return "holds whitespace, control or invisible characters"
    if "\\" in url:
        return "holds a backslash, which browsers read as a slash"
    if url.startswith("//"):
        return "is protocol-relative: it leads to another site"
    if re.match("[Hh][Tt][Tt][Pp][Ss]?://", url):
        return "names no plain host (no user part, port of digits only)"
    return "is neither an absolute http(s) URL nor a path on the site"


def slug_from_url(url: str) -> str | None:
    """An id from the last non-empty path segment of a URL, without a page suffix such as
    `.html` (see `derived_id`).

    `/posts/my-post/index.html` gives `my-post`: `index` names the directory's page, not the
    article. None when the URL has no path to speak of.
    """
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    while segments:
        segment = segments.pop()
        for suffix in _PAGE_SUFFIXES:
            if segment.lower().endswith(suffix):
                segment = segment[: -len(suffix)]
        if segment and segment.lower() != "index":
            return derived_id(segment)
    return None


def slug_from_path(path: str | PurePath) -> str | None:
    """An id from a file's name without its suffix (see `derived_id`)."""
    return derived_id(PurePath(path).stem)


def is_draft(fields: Mapping[str, object]) -> bool:
    """`draft: true` (or "yes"), or a `status` of draft, unpublished or private."""
    draft = fields.get("draft")
    if isinstance(draft, str):
        draft = draft.strip().lower() in _TRUE_STRINGS
    status = fields.get("status")
    unpublished = isinstance(status, str) and status.strip().lower() in DRAFT_STATUSES
    return bool(draft) or unpublished
