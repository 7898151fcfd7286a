"""Protection of the HTTP API, in process: rate limits, security headers, CORS and request
limits (the logs' side is in test_api_logging.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from indexer.bootstrap import Services
from tests.builders import Client, sections, write_article

TOKEN = "tok-9f8e7d6c5b4a-editor"


@pytest.fixture
def indexed(fake_services: Services, tmp_path: Path) -> Services:
    source = tmp_path / "articles"
    write_article(source, "redis-caching", sections("Expiry", "Stampedes"), tags="[redis]")
    write_article(source, "celery-retries", sections("Backoff", "Idempotency"))
    fake_services.indexing.sync_source(source)
    return fake_services


# Rate limits


def test_search_over_the_limit_gets_429_with_retry_after_and_the_error_shape(
    make_client: Client, indexed: Services
) -> None:
    client = make_client(rate_limit_search="3/minute")
    statuses = [client.get("/search", params={"q": "expiry"}).status_code for _ in range(3)]
    refused = client.get("/search", params={"q": "expiry"})
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"] == "rate_limited" and "try again in" in refused.json()["detail"]
    assert "Content-Security-Policy" in refused.headers and refused.headers["X-Request-ID"]
    # Related articles share the search budget; other endpoints are not limited.
    assert client.get("/articles/redis-caching/related").status_code == 429
    assert client.get("/articles/redis-caching").status_code == 200


def test_the_limit_counts_per_client_address(make_client: Client, indexed: Services) -> None:
    first = make_client(rate_limit_search="1/minute")
    assert first.get("/search", params={"q": "expiry"}).status_code == 200
    assert first.get("/search", params={"q": "expiry"}).status_code == 429
    other = TestClient(first.app, client=("10.0.0.2", 5000))
    assert other.get("/search", params={"q": "expiry"}).status_code == 200


def test_ask_has_its_own_limit_and_zero_disables_a_limit(
    make_client: Client, indexed: Services
) -> None:
    client = make_client(rate_limit_ask="2/minute", rate_limit_search="0")
    asked = [client.post("/ask", json={"question": "why expiry?"}).status_code for _ in range(3)]
    assert asked == [202, 202, 429]
    searched = {client.get("/search", params={"q": "expiry"}).status_code for _ in range(30)}
    assert searched == {200}


def test_a_malformed_limit_setting_fails_at_start_with_its_name(make_client: Client) -> None:
    with pytest.raises(ValueError, match="FOOTNOTE_RATE_LIMIT_ASK"):
        make_client(rate_limit_ask="lots")


# Headers and CORS


@pytest.mark.parametrize("path", ["/", "/?q=expiry", "/search?q=expiry", "/nope", "/healthz"])
def test_every_response_carries_the_security_headers(
    make_client: Client, indexed: Services, path: str
) -> None:
    response = make_client().get(path)
    policy = response.headers["Content-Security-Policy"]
    for directive in [
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]:
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_page_has_no_inline_script_or_style_for_the_policy_to_block(
    make_client: Client, indexed: Services
) -> None:
    html = make_client().get("/?q=expiry").text
    assert "<script>" not in html and "<script " in html  # the one script has a src
    assert " style=" not in html and "<style" not in html and " on" + "click=" not in html


def test_cors_is_closed_by_default(make_client: Client) -> None:
    client = make_client()
    response = client.get("/healthz", headers={"Origin": "https://reader.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/ask",
        headers={"Origin": "https://reader.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_listed_origins_and_never_the_authorization_header(
    make_client: Client,
) -> None:
    client = make_client(cors_origins=["https://reader.example"])
    allowed = client.get("/healthz", headers={"Origin": "https://reader.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://reader.example"
    other = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/admin/reindex",
        headers={
            "Origin": "https://reader.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 400


# Request limits


def test_a_declared_body_over_the_limit_is_refused_with_413(make_client: Client) -> None:
    client = make_client(max_body_bytes=1024)
    response = client.post("/ask", json={"question": "q", "pad": "x" * 2000})
    assert response.status_code == 413
    assert response.json() == {
        "error": "payload_too_large",
        "detail": "the request body is over the limit of 1024 bytes",
    }


def test_a_streamed_body_is_cut_off_at_the_limit(make_client: Client) -> None:
    client = make_client(max_body_bytes=1024)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"question": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = client.post("/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


def test_too_many_filter_values_get_422(make_client: Client, indexed: Services) -> None:
    client = make_client(max_filters=3)
    ok = client.get("/search", params={"q": "expiry", "tag": ["a", "b"], "author": "x"})
    assert ok.status_code == 200
    search = client.get("/search", params={"q": "expiry", "tag": ["a", "b", "c"], "author": "x"})
    assert search.status_code == 422
    assert "too many filter values (4): the limit is 3" in search.json()["detail"]
    filters = {"tags": ["a", "b"], "author": "x", "since": "2020-01-01"}
    ask = client.post("/ask", json={"question": "q", "filters": filters})
    assert ask.status_code == 422 and "limit is 3" in ask.json()["detail"]


def test_an_article_over_the_size_limit_is_refused_on_upsert(make_client: Client) -> None:
    client = make_client(editor_token=SecretStr(TOKEN), max_article_chars=1000)
    editor = {"Authorization": f"Bearer {TOKEN}"}
    big = client.put("/admin/articles/big", json={"title": "T", "body": "x" * 1200}, headers=editor)
    assert big.status_code == 413
    assert "the limit is 1000" in big.json()["detail"]
    small = client.put(
        "/admin/articles/s", json={"title": "T", "body": "## A\n\nok"}, headers=editor
    )
    assert small.status_code == 202


@pytest.mark.parametrize(
    "path", ["/search?q=expiry&k=51", "/search?q=expiry&page=51", "/articles/x/related?k=21"]
)
def test_k_and_page_are_bounded(make_client: Client, indexed: Services, path: str) -> None:
    assert make_client().get(path).status_code == 422
