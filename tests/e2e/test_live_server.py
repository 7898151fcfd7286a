"""The real app over HTTP: relevance on the sample, and re-indexing under a search load."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.e2e.live_server import LiveServer

pytestmark = pytest.mark.integration


def test_the_celery_observability_article_comes_first_in_hybrid_mode(
    live_server: LiveServer,
) -> None:
    response = httpx.get(
        f"{live_server.url}/search", params={"q": "how do I keep Celery tasks observable"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "hybrid"
    assert body["results"][0]["article_id"] == "celery-observable-tasks"
    assert "#" in body["results"][0]["passages"][0]["url"]


def test_an_empty_query_gets_422_over_http(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.url}/search?q=")
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]


def test_reindexing_while_readers_search_fails_no_request_and_shows_the_new_text(
    live_server: LiveServer,
) -> None:
    marker = "Zanzibar-quokka telemetry checklist"
    failures: list[str] = []
    served: list[int] = []
    stop = threading.Event()

    def search_loop() -> None:
        with httpx.Client(base_url=live_server.url, timeout=30) as client:
            while not stop.is_set():
                response = client.get("/search", params={"q": "celery task retries backoff"})
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:200]}")
                served.append(response.json().get("snapshot", -1))

    readers = [threading.Thread(target=search_loop) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        path = live_server.articles / "celery-retries-2022.md"
        path.write_text(path.read_text() + f"\n\n## Appendix\n\nOur {marker} lives here.\n")
        indexed = live_server.footnote("index", str(live_server.articles), "--json")
        assert indexed.returncode == 0, indexed.stderr
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)

    assert not failures
    assert len(served) > 10
    found = httpx.get(f"{live_server.url}/search", params={"q": marker, "mode": "bm25"}).json()
    assert found["results"][0]["article_id"] == "celery-retries-2022"
    assert found["snapshot"] > min(served)
    ready = httpx.get(f"{live_server.url}/readyz").json()
    assert ready["generation"] == found["snapshot"] and ready["reloads"] >= 2
