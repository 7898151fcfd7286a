"""Probe step 12: queries with nothing to search for, and the filter limits.

Queries made only of zero-width characters, combining marks or NUL returned 20 results; the
schema capped `tag` at 10 while FOOTNOTE_MAX_FILTERS said 20; tag values had no length limit.
"""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.hygiene.conftest import Server

pytestmark = pytest.mark.integration

INVISIBLE = ["\u200b\u200b", "\u0301\u0301\u0301", "\x00", "\u200b \u0301\u00ad\x00\ufeff"]


@pytest.mark.parametrize("query", INVISIBLE)
def test_a_query_of_invisible_characters_is_refused_as_empty(
    editor_server: Server, query: str
) -> None:
    response = editor_server.get("/search", q=query)
    assert response.status_code == 422, response.text
    assert "empty" in response.json()["detail"]


@pytest.mark.parametrize("question", INVISIBLE)
def test_a_question_of_invisible_characters_is_refused_as_empty(
    editor_server: Server, question: str
) -> None:
    response = httpx.post(f"{editor_server.url}/ask", json={"question": question}, timeout=30)
    assert response.status_code == 422, response.text
    assert "empty" in response.json()["detail"]


def test_a_word_with_a_combining_mark_still_searches(editor_server: Server) -> None:
    assert editor_server.get("/search", q="cafe\u0301 celery").status_code == 200


def test_fifteen_tags_are_within_the_one_filter_limit(editor_server: Server) -> None:
    tags = [f"t{i}" for i in range(15)]
    search = editor_server.get("/search", q="celery", tag=tags)
    assert search.status_code == 200, search.text
    ask = httpx.post(
        f"{editor_server.url}/ask",
        json={"question": "celery retries", "filters": {"tags": tags}},
        timeout=30,
    )
    assert ask.status_code == 202, ask.text


def test_past_the_filter_limit_search_and_ask_give_the_same_message(editor_server: Server) -> None:
    tags = [f"t{i}" for i in range(21)]
    search = editor_server.get("/search", q="celery", tag=tags)
    ask = httpx.post(
        f"{editor_server.url}/ask",
        json={"question": "celery retries", "filters": {"tags": tags}},
        timeout=30,
    )
    assert search.status_code == ask.status_code == 422
    expected = "too many filter values (21): the limit is 20"
    assert search.json()["detail"] == ask.json()["detail"] == expected


def test_a_tag_or_author_over_the_length_limit_is_refused(editor_server: Server) -> None:
    long_tag = editor_server.get("/search", q="celery", tag="x" * 101)
    assert long_tag.status_code == 422
    assert "101 characters long; the limit is 100" in long_tag.json()["detail"]
    long_author = editor_server.get("/search", q="celery", author="x" * 201)
    assert long_author.status_code == 422
    asked = httpx.post(
        f"{editor_server.url}/ask",
        json={"question": "celery", "filters": {"tags": ["x" * 101]}},
        timeout=30,
    )
    assert asked.status_code == 422
    assert "101 characters long; the limit is 100" in asked.json()["detail"]
