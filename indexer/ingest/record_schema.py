"""The JSON Schema of one article record, as `load_article_json` reads it.

The HTTP API publishes this for the article upsert body, so a CMS developer sees the rules the
loader applies: a record valid here loads, and one that breaks these rules is refused. The
loader is the authority; tests/contract/test_openapi_fuzz.py holds the two to each other.
"""

from __future__ import annotations

from typing import Any

from indexer.ingest.fields import WEB_LINK_PATTERN

# One non-whitespace character somewhere: a blank title is a missing title.
_NOT_BLANK = r"\S"
# Text fields take numbers too (front matter and CMS exports write `title: 2024`).
_TEXT: dict[str, Any] = {"type": ["string", "number", "null"]}
_TEXT_OR_LIST: dict[str, Any] = {
    "anyOf": [_TEXT, {"type": "array", "items": _TEXT}],
    "description": "Text; a list (several authors) is joined with commas",
}
_BODY: dict[str, Any] = {"type": ["string", "null"]}
# What str.strip() takes off both ends of a text field, spelled out: JSON Schema's `\s` (ECMA's)
# is another set, with U+FEFF in it and U+001C-001F out.
_SPACE = r"[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_URL: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": f"^{_SPACE}*(?:{WEB_LINK_PATTERN})?{_SPACE}*$"},
        {"type": "null"},
    ],
    "description": "An absolute http(s) URL with a plain host, or a path on the site (/posts/a);"
    " never //host or a backslash",
}
_DATE: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "pattern": r"^\s*$"},
        {"type": "null"},
    ],
    "description": "ISO 8601 date or date-time (RFC 822 is accepted too); blank means none",
}

ARTICLE_RECORD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title"],
    "anyOf": [{"required": ["body"]}, {"required": ["text"]}, {"required": ["content"]}],
    "properties": {
        "title": {
            "anyOf": [{"type": "string", "pattern": _NOT_BLANK}, {"type": "number"}],
            "description": "Required, not blank",
        },
        "body": {**_BODY, "description": "The article: Markdown, or HTML (see format)"},
        "text": {**_BODY, "description": "Read when there is no body"},
        "content": {**_BODY, "description": "Read when there is no body or text"},
        "format": {
            "enum": ["markdown", "md", "html", None],
            "description": "html converts the body to Markdown; by default a body that starts "
            "with a block tag is taken for HTML",
        },
        "url": _URL,
        "summary": _TEXT,
        "author": _TEXT_OR_LIST,
        "published": _DATE,
        "updated": _DATE,
        "tags": {
            "anyOf": [
                {"type": "string", "description": "Comma-separated"},
                {"type": "array", "items": {"type": ["string", "number", "boolean", "null"]}},
                {"type": "null"},
            ]
        },
        "draft": {"description": "true (or 'yes', 'on', '1') keeps the article out of search"},
        "status": {"description": "draft, unpublished or private keep it out of search"},
    },
    "additionalProperties": True,
}
