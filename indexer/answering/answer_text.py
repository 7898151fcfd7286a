"""An answer and its quotes as readers read them: plain text, and safe HTML for the page.

Answers and quotes are Markdown, as the articles are (an extractive answer is the articles' own
sentences; a model writes Markdown too). They go through the same parse and the same safe HTML
as search passages (`indexer.text.inline_markdown`, `indexer.text.passage_html`), so a reader
sees `code`, emphasis and links instead of their marks, and nothing an article holds can become
markup. Citation markers (`[1]`) are not Markdown links and stay text in both forms; the client
turns them into buttons.

A link in an answer belongs to the article its sentence cites: it is read against the URL of
the citation whose marker follows it (the marker before it when none follows), as a passage's
links are read against its own article.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from indexer.model import Answer, Citation
from indexer.text.inline_markdown import plain_text
from indexer.text.passage_html import passage_html

_MARKER = re.compile(r"\[(\d+)\]")


def answer_fields(answer: Answer) -> dict[str, Any]:
    """`answer_plain` and `answer_html` for the answer's text."""
    return {
        "answer_plain": plain_text(answer.text),
        "answer_html": passage_html(answer.text, (), base_at=_cited_base(answer)),
    }


def quote_fields(citation: Citation) -> dict[str, Any]:
    """`quote_plain` and `quote_html` for what a citation quotes, links read against its article."""
    return {
        "quote_plain": plain_text(citation.quote),
        "quote_html": passage_html(citation.quote, (), base_url=citation.url),
    }


def _cited_base(answer: Answer) -> Callable[[int], str | None]:
    urls = {str(citation.number): citation.url for citation in answer.citations}
    markers = [m for m in _MARKER.finditer(answer.text) if m.group(1) in urls]
    offsets = [marker.start() for marker in markers]
    first = answer.citations[0].url if answer.citations else None

    def base_at(offset: int) -> str | None:
        if not markers:
            return first
        following = min(bisect_left(offsets, offset), len(markers) - 1)
        return urls[markers[following].group(1)]

    return base_at
