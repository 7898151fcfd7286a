"""Highlighting over generated text: the fast path (findall + str.find, one verdict per
distinct word) must mark exactly the words a plain scan over every match would mark."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from indexer.text.highlighting import QueryHighlighter, highlight_html
from indexer.text.lexical_tokens import lexical_tokens
from tests.property import PROFILE

_WORD = re.compile(r"[A-Za-z0-9]+(?:[_.\-/:][A-Za-z0-9]+)*|_+[A-Za-z0-9]+\w*")
PIECES = [
    "cache", "Caching", "caches", "redis-py", "acks_late", "__init__", "_", "__", "_x", "x_",
    "os.path.join", "a.b", ".", "-", "/", ":", "::", "HTTP", "429", "getUser", "policy",
    "policies", "é", "ﬁ", " ", "\n", "\t", ",", "(", ")", "<b>", "&amp;", "the", "of",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=60).map("".join)


def reference_spans(text: str, query: str) -> list[tuple[int, int]]:
    wanted = set(lexical_tokens(query))
    return [m.span() for m in _WORD.finditer(text) if wanted & set(lexical_tokens(m.group()))]


@PROFILE
@given(text=texts, query=texts)
def test_spans_equal_a_scan_of_every_word(text: str, query: str) -> None:
    highlighter = QueryHighlighter(query)
    # Twice through one highlighter: the second pass answers from remembered verdicts.
    assert highlighter.spans(text) == reference_spans(text, query)
    assert highlighter.spans(text) == reference_spans(text, query)


@PROFILE
@given(text=texts, query=texts)
def test_marked_html_unescapes_to_the_text(text: str, query: str) -> None:
    import html

    marked = highlight_html(text, QueryHighlighter(query).spans(text))
    assert html.unescape(marked.replace("<mark>", "").replace("</mark>", "")) == text
