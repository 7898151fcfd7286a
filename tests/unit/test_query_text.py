"""Queries and questions with nothing visible in them, and the filter limits: one count
(FOOTNOTE_MAX_FILTERS) with one message for /search and /ask, and a length for each value."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.errors import InvalidQuery
from indexer.jobs.job_service import JobService
from indexer.model import Article
from indexer.search.query_text import readable_text
from search_api.app import create_app
from tests.fakes import RecordingJobQueue

INVISIBLE = ["\u200b\u200b", "\u0301\u0301", "\x00", "\u200b \u0301\u00ad\x00\ufeff", "\u2028"]


@pytest.mark.parametrize("text", INVISIBLE)
def test_text_of_only_invisible_characters_or_marks_is_empty(text: str) -> None:
    with pytest.raises(InvalidQuery, match="the query is empty"):
        readable_text(text)
    with pytest.raises(InvalidQuery, match="the question is empty"):
        readable_text(text, "question")


def test_the_message_says_why_text_that_is_not_blank_is_empty() -> None:
    with pytest.raises(InvalidQuery, match="it holds only invisible characters or marks"):
        readable_text("\u200b\u0301")


def test_blank_text_keeps_its_plain_message() -> None:
    with pytest.raises(InvalidQuery, match="^the query is empty: type a few words"):
        readable_text(" \t\n ")


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("redis\x00cache", "redis cache"),
        ("  celery   retries ", "celery retries"),
        ("cafe\u0301", "cafe\u0301"),
        ("\u200bredis", "\u200bredis"),
        ("?", "?"),
        ("🐍", "🐍"),
    ],
)
def test_readable_text_keeps_what_can_be_read(text: str, cleaned: str) -> None:
    assert readable_text(text) == cleaned


@pytest.fixture
def client(fake_services: Services, tmp_path: Path) -> Iterator[TestClient]:
    text = "## Part\n\nredis cache notes"
    fake_services.indexing.index_article(Article(id="a", title="A", text=text, source_path="api"))
    jobs = JobService(SqliteJobStore(tmp_path / "jobs.sqlite"), RecordingJobQueue())
    with TestClient(create_app(fake_services, jobs=jobs)) as test_client:
        yield test_client


@pytest.mark.parametrize("text", INVISIBLE)
def test_search_and_ask_refuse_invisible_text_as_empty(client: TestClient, text: str) -> None:
    search = client.get("/search", params={"q": text})
    assert search.status_code == 422 and "empty" in search.json()["detail"]
    ask = client.post("/ask", json={"question": text})
    assert ask.status_code == 422 and "is empty" in ask.json()["detail"]


def test_tags_up_to_the_filter_limit_are_accepted_by_search_and_ask(client: TestClient) -> None:
    tags = [f"t{i}" for i in range(20)]
    assert client.get("/search", params={"q": "redis", "tag": tags}).status_code == 200
    body = {"question": "redis", "filters": {"tags": tags}}
    assert client.post("/ask", json=body).status_code == 202


def test_one_past_the_filter_limit_gets_one_message_from_both(client: TestClient) -> None:
    tags = [f"t{i}" for i in range(21)]
    search = client.get("/search", params={"q": "redis", "tag": tags})
    ask = client.post("/ask", json={"question": "redis", "filters": {"tags": tags}})
    assert search.status_code == ask.status_code == 422
    assert search.json()["detail"] == ask.json()["detail"]
    assert search.json()["detail"] == "too many filter values (21): the limit is 20"


def test_tag_and_author_values_have_a_length_limit(client: TestClient) -> None:
    search = client.get("/search", params={"q": "redis", "tag": ["ok", "x" * 101]})
    assert search.status_code == 422
    assert search.json()["detail"] == "tag.1: is 101 characters long; the limit is 100"
    ask = client.post("/ask", json={"question": "redis", "filters": {"tags": ["x" * 101]}})
    assert ask.status_code == 422 and "101 characters long; the limit is 100" in ask.text
    author = client.get("/search", params={"q": "redis", "author": "x" * 201})
    assert author.status_code == 422 and "the limit is 200" in author.text
    assert client.get("/search", params={"q": "redis", "tag": "x" * 100}).status_code == 200
