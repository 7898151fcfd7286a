"""Inline Markdown over generated, mark-heavy text: the runs always cover the passage, the HTML
holds only the elements we build, reads back as the plain text, and highlights only add
<mark> elements without moving anything else."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from indexer.text.highlighting import match_spans
from indexer.text.inline_markdown import plain_text, runs
from indexer.text.passage_html import passage_html
from tests.property import PROFILE

PIECES = [
    "*", "**", "_", "__", "`", "``", "[", "]", "(", ")", "<", ">", "&amp;", "&#42;", "&bogus;",
    "\\", "\n", "\n\n", "- ", "1. ", "> ", "```", "```py\n", "\n```\n", "~~~", "|", " | ",
    "|---|", "# ", " ", "  ", "retry", "word", "https://x.example/a", "javascript:alert(1)",
    "![", "](", "\r\n", "\t", "    ", "<script>", '"', "'", "é", "\0",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40).map("".join)
ALLOWED = {"em", "strong", "code", "mark", "a"}
_TAG = re.compile(r"<[^>]*>")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@PROFILE
@given(text=texts)
def test_runs_cover_the_whole_passage_in_order(text: str) -> None:
    found = runs(text)

    assert sum(run.end - run.start for run in found) == len(text)
    assert all(a.end == b.start for a, b in zip(found, found[1:], strict=False))
    if "\r" not in text and "\0" not in text:
        # Shown as written, but for code spans (a line break in one reads as a space).
        as_written = [run for run in found if run.exact and "code" not in run.style]
        assert all(run.shown == text[run.start : run.end] for run in as_written)


@PROFILE
@given(text=texts, query=st.sampled_from(["retry word", "x example", "script alert", ""]))
def test_the_html_holds_only_our_elements_and_reads_as_the_plain_text(
    text: str, query: str
) -> None:
    marked = passage_html(text, match_spans(text, query), base_url="https://blog.example/p/")
    parser = _Elements()
    parser.feed(marked)

    for tag, attributes in parser.tags:
        assert tag in ALLOWED
        if tag == "a":
            assert (attributes["href"] or "").startswith(("https://", "http://"))
    assert html.unescape(_TAG.sub("", marked)) == plain_text(text)


@PROFILE
@given(text=texts, query=st.sampled_from(["retry word", "x example", "amp bogus", "py"]))
def test_highlights_only_add_mark_elements(text: str, query: str) -> None:
    marked = passage_html(text, match_spans(text, query))

    assert marked.replace("<mark>", "").replace("</mark>", "") == passage_html(text, [])
