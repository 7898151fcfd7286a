"""Marking the words of a passage that match the query, as offsets and as safe HTML."""

from __future__ import annotations

import html

from indexer.lexical_tokens import identifier_spans, lexical_tokens


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Offsets of words in `text` that share a term with `query` (stemmed, identifiers whole
    or by parts, stop words ignored)."""
    wanted = set(lexical_tokens(query))
    if not wanted:
        return []
    return [
        (start, end)
        for start, end in identifier_spans(text)
        if wanted.intersection(lexical_tokens(text[start:end]))
    ]


def highlight_html(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` escaped for HTML with each span wrapped in <mark>: safe to insert as markup."""
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        parts.append(html.escape(text[cursor:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)
