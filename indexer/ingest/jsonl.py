"""JSON records -> Article: JSON Lines exports, and single articles a CMS sends by webhook.

Both follow one set of field rules, so an article indexes the same whichever way it arrived.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from indexer.errors import InvalidArticle
from indexer.ingest.article_ids import checked_id
from indexer.ingest.fields import (
    article_from_fields,
    optional_text,
    required_text,
    slug_from_url,
)
from indexer.ingest.html_to_markdown import html_to_markdown
from indexer.model import Article, LoadFailure, LoadResult
from indexer.text.unicode import unicode_problem

BODY_KEYS = ("body", "text", "content")
FORMATS = ("markdown", "md", "html")
_LOOKS_LIKE_HTML = re.compile(
    r"\A\s*<(?:!doctype\s+html|(?:html|head|body|article|main|section|div|p|h[1-6]|ul|ol"
    r"|table|pre|blockquote|figure)\b)",
    re.IGNORECASE,
)


def load_jsonl(text: str, source_path: str) -> LoadResult:
    """An Article per line; a bad line is a LoadFailure with its line number and the rest load."""
    articles: list[Article] = []
    failures: list[LoadFailure] = []
    # Not splitlines(): it also splits on U+2028, which JSON strings may hold unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        problem = unicode_problem(line)
        if problem:
            failures.append(LoadFailure(source_path, problem[0], number))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON: {exc.msg} at column {exc.colno}"
            failures.append(LoadFailure(source_path, reason, number))
            continue
        except (ValueError, RecursionError) as exc:
            # Valid JSON the parser still refuses: an integer of thousands of digits, or
            # arrays nested deeper than the interpreter's recursion limit.
            failures.append(LoadFailure(source_path, f"unreadable JSON: {exc}", number))
            continue
        try:
            articles.append(load_article_json(record, source_path))
        except InvalidArticle as exc:
            failures.append(LoadFailure(source_path, str(exc), number))
    return LoadResult(articles=tuple(articles), failures=tuple(failures))


def load_article_json(obj: Mapping[str, object], source_path: str) -> Article:
    """One Article from a decoded JSON object. Raises InvalidArticle saying what is wrong.

    Keys: `id` or `slug` (else derived from `url`), `title`, the Markdown body in `body`,
    `text` or `content` (HTML when `format` is "html" or the body starts with a block tag),
    and optionally url, author, published, updated, tags, summary, draft, status.
    """
    if not isinstance(obj, Mapping):
        raise InvalidArticle(f"expected a JSON object, got {type(obj).__name__}")
    for key, value in obj.items():
        problem = _unicode_problem(value)
        if problem:
            raise InvalidArticle(f"{key}: {problem}")
    try:
        return article_from_fields(
            obj,
            article_id=_article_id(obj),
            title=required_text(obj.get("title"), "title"),
            text=_body(obj),
            source_path=source_path,
        )
    except ValueError as exc:
        raise InvalidArticle(str(exc)) from exc


def _article_id(obj: Mapping[str, object]) -> str:
    for key in ("id", "slug"):
        value = obj.get(key)
        if optional_text(value, key):
            # Checked as written, not stripped: the id stored must be the id that was sent.
            return checked_id(str(value), key)
    url = optional_text(obj.get("url"), "url")
    derived = slug_from_url(url) if url else None
    if not derived:
        raise ValueError("missing id: give 'id', 'slug', or a 'url' with a path to derive it from")
    return derived


def _body(obj: Mapping[str, object]) -> str:
    present = [k for k in BODY_KEYS if k in obj]
    if not present:
        raise ValueError(f"missing body: expected one of {', '.join(map(repr, BODY_KEYS))}")
    for key in present:
        # Every body key is checked, not only the one read: a record that sends two bodies of
        # which one is not text is malformed, whichever would have won.
        if obj[key] is not None and not isinstance(obj[key], str):
            raise ValueError(f"{key} must be a string, got {type(obj[key]).__name__}")
    body_format = _format(obj.get("format"))
    body = obj[present[0]]
    if not isinstance(body, str):
        return ""
    if body_format == "html" or (body_format is None and _LOOKS_LIKE_HTML.match(body)):
        return html_to_markdown(body)
    return body


def _format(value: object) -> str | None:
    if value is None:
        return None
    lowered = value.lower() if isinstance(value, str) else None
    if lowered not in FORMATS:
        raise ValueError(f"format must be 'markdown' or 'html', got {value!r}")
    return lowered


def _unicode_problem(value: object) -> str | None:
    """Why a decoded JSON value holds text that is not valid Unicode, or None."""
    # A loop, not recursion: JSON nests as deep as the parser allowed, and that is already
    # close to the interpreter's recursion limit.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = unicode_problem(item)
            if found:
                return found[0]
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None
