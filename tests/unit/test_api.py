"""The HTTP API over services with fakes at the model ports (no torch), via TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.bootstrap import Services
from search_api.app import create_app
from tests.builders import sections, write_article


@pytest.fixture
def client(fake_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(fake_services)) as test_client:
        yield test_client


@pytest.fixture
def indexed(fake_services: Services, tmp_path: Path) -> Services:
    source = tmp_path / "articles"
    write_article(
        source,
        "redis-caching",
        sections("Expiry", "Stampedes"),
        tags="[redis, caching]",
        author="Maya Okafor",
        published="2022-03-15",
        url="https://blog.example/redis-caching",
    )
    write_article(
        source,
        "redis-caching-2025",
        sections("Expiry", "Client tracking"),
        tags="[redis]",
        author="Maya Okafor",
        published="2025-05-27",
    )
    write_article(
        source,
        "celery-retries",
        sections("Backoff", "Idempotency", "Expiry"),
        tags="[celery]",
        author="Daniel Brandt",
        published="2023-01-10",
    )
    write_article(
        source,
        "xss",
        "## <img src=x onerror=alert(1)>\n\nExpiry <script>alert('x')</script> text.",
        title='"<script>alert(1)</script>"',
    )
    fake_services.indexing.sync_source(source)
    return fake_services


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("q=", "empty"),
        ("q=%20%20%20", "empty"),
        ("q=" + "x" * 600, "limit is 500"),
        ("q=redis&k=0", "k:"),
        ("q=redis&k=51", "k:"),
        ("q=redis&mode=fuzzy", "mode:"),
        ("q=redis&since=2024-13-01", "since:"),
        ("q=redis&since=2024-02-01&until=2023-01-01", "after `until`"),
        ("q=redis&page=0", "page:"),
        ("", "q: Field required"),
    ],
)
def test_bad_search_input_gets_a_422_that_says_what_to_fix(
    client: TestClient, indexed: Services, query: str, fragment: str
) -> None:
    response = client.get(f"/search?{query}")
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_search_groups_passages_by_article_with_highlights_and_deep_links(
    client: TestClient, indexed: Services
) -> None:
    body = client.get("/search", params={"q": "Stampedes sentence", "mode": "bm25"}).json()
    first = body["results"][0]
    assert first["article_id"] == "redis-caching"
    assert first["published"] == "2022-03-15" and first["tags"] == ["redis", "caching"]
    assert 1 <= len(first["passages"]) <= 3
    passage = first["passages"][0]
    assert passage["heading"] == "Stampedes"
    assert passage["url"] == "https://blog.example/redis-caching#stampedes"
    assert "<mark>Stampedes</mark>" in passage["highlighted"]
    start, end = passage["highlights"][0]
    assert passage["text"][start:end] in {"Stampedes", "sentence"}
    assert len({r["article_id"] for r in body["results"]}) == len(body["results"])


def test_filters_by_tag_author_and_dates(client: TestClient, indexed: Services) -> None:
    def ids(**params: str) -> set[str]:
        response = client.get("/search", params={"q": "Expiry", "mode": "bm25", **params})
        return {r["article_id"] for r in response.json()["results"]}

    assert ids(tag="redis") == {"redis-caching", "redis-caching-2025"}
    assert ids(tag="caching") == {"redis-caching"}
    assert ids(author="daniel brandt") == {"celery-retries"}
    assert ids(since="2023-01-01") == {"redis-caching-2025", "celery-retries"}
    assert ids(until="2022-12-31") == {"redis-caching"}


def test_pages_do_not_repeat_articles(client: TestClient, indexed: Services) -> None:
    first = client.get("/search", params={"q": "Expiry", "k": 2, "mode": "bm25"}).json()
    second = client.get("/search", params={"q": "Expiry", "k": 2, "page": 2, "mode": "bm25"}).json()
    assert first["total"] == second["total"] == 4
    a = {r["article_id"] for r in first["results"]}
    b = {r["article_id"] for r in second["results"]}
    assert len(a) == len(b) == 2 and not a & b


def test_a_query_asking_for_the_latest_prefers_the_newest_equally_relevant_article(
    client: TestClient, indexed: Services
) -> None:
    plain = client.get("/search", params={"q": "redis Expiry sentence", "mode": "dense"}).json()
    latest = client.get(
        "/search", params={"q": "latest redis Expiry sentence", "mode": "dense"}
    ).json()
    year = client.get("/search", params={"q": "redis Expiry sentence in 2022"}).json()
    assert latest["date_intent"] == {"kind": "latest", "year": None}
    assert latest["results"][0]["article_id"] == "redis-caching-2025"
    assert year["date_intent"] == {"kind": "year", "year": 2022}
    assert year["results"][0]["article_id"] == "redis-caching"
    assert plain["date_intent"] is None


def test_article_and_related_endpoints(client: TestClient, indexed: Services) -> None:
    article = client.get("/articles/redis-caching").json()
    assert article["sections"] == ["Expiry", "Stampedes"]
    assert article["text"].startswith("## Expiry")
    related = client.get("/articles/redis-caching/related", params={"k": 2}).json()
    ids = [r["article_id"] for r in related["related"]]
    assert "redis-caching" not in ids and len(ids) == 2
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/articles/nope/related").json()["error"] == "not_found"


def test_readiness_follows_the_index(client: TestClient, fake_services: Services) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    waiting = client.get("/readyz")
    assert waiting.status_code == 503 and waiting.headers["Retry-After"]
    assert client.get("/search", params={"q": "anything"}).status_code == 503
    fake_services.indexing.index_article(
        __import__("indexer.model", fromlist=["Article"]).Article(
            id="a", title="A", text="## H\n\nwords", source_path="api"
        )
    )
    ready = client.get("/readyz").json()
    assert ready["ready"] is True and ready["generation"] == 1 and ready["chunks"] == 1
    assert ready["model"] == "fake-embedder"


def test_metrics_expose_latency_by_route_and_index_state(
    client: TestClient, indexed: Services
) -> None:
    client.get("/search", params={"q": "Expiry"})
    client.get("/articles/redis-caching")
    text = client.get("/metrics").text
    assert 'footnote_request_seconds_count{method="GET",route="/search",status="200"} 1.0' in text
    assert 'route="/articles/{article_id}"' in text
    assert "footnote_index_chunks" in text and "footnote_snapshot_generation 1.0" in text


def test_the_page_renders_results_without_javascript_and_escapes_everything(
    client: TestClient, indexed: Services
) -> None:
    empty = client.get("/")
    assert empty.status_code == 200 and 'role="search"' in empty.text
    page = client.get("/", params={"q": "Expiry text"})
    assert page.status_code == 200
    assert "Redis Caching" in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    assert client.get("/", params={"q": " "}).status_code == 200
    assert client.get("/", params={"q": "x" * 600}).status_code == 422
