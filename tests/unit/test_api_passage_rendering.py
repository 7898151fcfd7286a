"""/search and the no-JavaScript page show passages as readable text: inline Markdown rendered
from one parse, a plain-text copy in the API, highlights still on their words, and a hostile
link never followed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from indexer.bootstrap import Services
from indexer.model import Article
from search_api.app import create_app

BODY = (
    "## Backoff\n\n"
    "Quokkas retry with *exponential backoff*, set by `retry_backoff=True`; read "
    "[the quokka guide](/guides/quokka) first, not [this](javascript:alert(1)).\n"
)


@pytest.fixture
def client(fake_services: Services) -> Iterator[TestClient]:
    # Sent as a CMS sends it: a folder's Markdown is cleaned to plain words on the way in
    # (indexer.ingest.clean), an upserted article keeps its inline Markdown for the page.
    article = Article(
        id="quokka-retries",
        title="Quokka retries",
        text=BODY,
        source_path="api",
        url="https://blog.example/posts/quokka-retries/",
    )
    fake_services.indexing.index_article(article)
    with TestClient(create_app(fake_services)) as test_client:
        yield test_client


def passage(client: TestClient, query: str) -> dict[str, object]:
    body = client.get("/search", params={"q": query, "mode": "bm25"}).json()
    [result] = body["results"]
    first: dict[str, object] = result["passages"][0]
    return first


def test_the_api_gives_the_markdown_a_plain_copy_and_rendered_html(client: TestClient) -> None:
    found = passage(client, "quokkas backoff")

    assert found["text"] == BODY.removeprefix("## Backoff\n\n").strip()
    assert found["plain"] == (
        "Quokkas retry with exponential backoff, set by retry_backoff=True; read "
        "the quokka guide first, not this."
    )
    assert found["highlighted"] == (
        "<mark>Quokkas</mark> retry with <em>exponential <mark>backoff</mark></em>, set by "
        "<code><mark>retry_backoff</mark>=True</code>; read "
        '<a href="https://blog.example/guides/quokka" rel="nofollow">'
        "the <mark>quokka</mark> guide</a> first, not this."
    )


def test_highlights_stay_offsets_into_the_markdown_text(client: TestClient) -> None:
    found = passage(client, "backoff")
    text = found["text"]
    assert isinstance(text, str)
    spans = found["highlights"]
    assert isinstance(spans, list)

    # An identifier matches by its parts: retry_backoff holds "backoff".
    assert [text[start:end] for start, end in spans] == ["backoff", "retry_backoff"]


def test_the_page_without_javascript_renders_the_same_passage(client: TestClient) -> None:
    html = client.get("/", params={"q": "quokkas backoff", "mode": "bm25"}).text

    assert "<em>exponential <mark>backoff</mark></em>" in html
    assert "<code><mark>retry_backoff</mark>=True</code>" in html
    assert 'href="https://blog.example/guides/quokka"' in html
    assert "javascript:" not in html
    assert "*exponential" not in html and "`retry_backoff" not in html
