"""Coercion of the loosely typed fields every source format shares.

Each function takes whatever a parser handed over (YAML scalars, JSON values, meta attribute
strings) and returns the typed value an `Article` wants, or raises `ValueError` with a message
that can be shown to the person who wrote the source file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import PurePath
from urllib.parse import unquote, urlsplit

from indexer.ingest.article_ids import derived_id
from indexer.ingest.dates import calendar_date, parse_when
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
    author_field, author = first_field(raw, AUTHOR_FIELDS)
    published_field, published = first_field(raw, PUBLISHED_FIELDS)
    updated_field, updated = first_field(raw, UPDATED_FIELDS)
    return Article(
        id=article_id,
        title=title,
        text=text,
        source_path=source_path,
        url=coerce_url(raw.get("url")),
        author=optional_names(author, author_field),
        published=coerce_date(published, published_field),
        updated=coerce_date(updated, updated_field),
        tags=tags_of(raw),
        summary=summary_of(raw),
        draft=is_draft(raw),
    )


def required_text(value: object, field: str) -> str:
    text = optional_text(value, field)
    if text is None:
        raise ValueError(f"missing {field}")
    return text


def coerce_date(value: object, field: str) -> date | None:
    """A `date` from a date, datetime, ISO 8601, RFC 822 or written-out string; None when
    absent or blank. A datetime keeps the calendar date it was written with, not its UTC date:
    an article published late in the evening in New York was published that day for its
    readers."""
    return calendar_date(parse_when(value, field))


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
_MARKDOWN_LINK = re.compile(r"\[([^\[\]]+)\]\([^)]*\)")


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
    """`draft: true` (or "yes"), Jekyll's `published: false`, or a `status` of draft,
    unpublished or private."""
    draft = fields.get("draft")
    if isinstance(draft, str):
        draft = draft.strip().lower() in _TRUE_STRINGS
    status = fields.get("status")
    unpublished = isinstance(status, str) and status.strip().lower() in DRAFT_STATUSES
    published = fields.get("published")
    withheld = published is False or (
        isinstance(published, str) and published.strip().lower() in ("false", "no")
    )
    return bool(draft) or unpublished or withheld


# The names real generators give each field, most specific first. `published` doubles as
# Jekyll's flag (`published: false`), so only a date-like value counts as a date there.
PUBLISHED_FIELDS = ("published", "date", "pubDate", "pubdate", "publishDate", "publishdate",
                    "published_at", "created", "created_at")  # fmt: skip
UPDATED_FIELDS = ("updated", "lastmod", "modified", "last_modified_at", "lastModified",
                  "updated_at", "modified_at")  # fmt: skip
SUMMARY_FIELDS = ("summary", "description", "excerpt", "abstract")
TAG_FIELDS = ("tags", "categories", "category", "keywords")
AUTHOR_FIELDS = ("author", "authors", "by")


def first_field(raw: Mapping[str, object], names: tuple[str, ...]) -> tuple[str, object]:
    """The first of `names` holding a value, and that value."""
    for name in names:
        value = raw.get(name)
        if value is not None and value != "":
            return name, value
    return names[0], None


def without_flags(fields: Mapping[str, object]) -> dict[str, object]:
    """Front matter less Jekyll's `published: false|true`, a flag where others write a date."""
    return {k: v for k, v in fields.items() if not (k == "published" and isinstance(v, bool))}


def author_of(raw: Mapping[str, object]) -> str | None:
    """`author`/`authors`/`by` (a name, a list, or `{name: ...}` maps), else Zola's
    `[extra]` author(s)."""
    extra = raw.get("extra")
    sources = [raw] + ([extra] if isinstance(extra, Mapping) else [])
    for source in sources:
        name, value = first_field(source, AUTHOR_FIELDS)
        if value is not None:
            names = optional_names(_names(value), name)
            # Authors are often written as Markdown links to their profiles.
            return _MARKDOWN_LINK.sub(r"\1", names) if names else None
    return None


def _names(value: object) -> object:
    if isinstance(value, Mapping):
        return value.get("name") or value.get("display_name")
    if isinstance(value, list):
        return [_names(item) for item in value]
    return value


def tags_of(raw: Mapping[str, object]) -> tuple[str, ...]:
    """Tags, categories and keywords together, and Zola's `[taxonomies]` lists."""
    found: list[str] = []
    taxonomies = raw.get("taxonomies")
    sources: list[tuple[str, object]] = [(name, raw.get(name)) for name in TAG_FIELDS]
    if isinstance(taxonomies, Mapping):
        sources += [(str(name), value) for name, value in taxonomies.items()]
    for _, value in sources:
        found.extend(tag for tag in coerce_tags(value) if tag not in found)
    return tuple(found)


def summary_of(raw: Mapping[str, object]) -> str | None:
    name, value = first_field(raw, SUMMARY_FIELDS)
    return optional_text(value, name)
