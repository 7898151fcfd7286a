"""Protection of the HTTP API, in process: rate limits, security headers, CORS, request limits,
the editor token kept out of logs, and request ids on every log line (API and worker)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.bootstrap.log_setup import make_handler
from indexer.config import Settings
from indexer.jobs.job_service import JobService
from search_api.app import create_app
from tests.builders import sections, write_article
from tests.fakes import RecordingJobQueue

TOKEN = "tok-9f8e7d6c5b4a-editor"
Client = Callable[..., TestClient]


@pytest.fixture
def make_client(fake_services: Services, settings: Settings, tmp_path: Path) -> Iterator[Client]:
    """A TestClient over an app whose settings take the given overrides."""
    opened: list[TestClient] = []
    jobs = JobService(SqliteJobStore(tmp_path / "jobs.sqlite"), RecordingJobQueue())

    def make(client: tuple[str, int] = ("10.0.0.1", 5000), **overrides: Any) -> TestClient:
        fake_services.settings = settings.model_copy(update=overrides)
        test_client = TestClient(create_app(fake_services, jobs=jobs), client=client)
        opened.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


@pytest.fixture
def indexed(fake_services: Services, tmp_path: Path) -> Services:
    source = tmp_path / "articles"
    write_article(source, "redis-caching", sections("Expiry", "Stampedes"), tags="[redis]")
    write_article(source, "celery-retries", sections("Backoff", "Idempotency"))
    fake_services.indexing.sync_source(source)
    return fake_services


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Every record of the process through the real JSON handler, parsed."""
    stream = io.StringIO()
    handler = make_handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


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


# The editor token and logs


def test_the_editor_token_never_reaches_the_logs(
    make_client: Client, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    client = make_client(editor_token=SecretStr(TOKEN))
    wrong = TOKEN[::-1]
    statuses = [
        client.post("/admin/reindex", headers={"Authorization": f"Bearer {TOKEN}"}).status_code,
        client.post("/admin/reindex", headers={"Authorization": f"Bearer {wrong}"}).status_code,
        client.post("/admin/reindex", headers={"Authorization": f"bearer {TOKEN}x"}).status_code,
        client.get("/search", headers={"Authorization": f"Bearer {TOKEN}"}).status_code,
    ]
    logging.getLogger("footnote.test").warning("echoing Authorization: Bearer %s", TOKEN)
    assert statuses == [202, 403, 403, 422]
    lines = log_lines()
    text = json.dumps(lines)
    assert TOKEN not in text and wrong not in text
    assert lines[-1]["message"] == "echoing Authorization: Bearer [redacted]"


def test_log_lines_during_a_request_carry_its_request_id(
    make_client: Client, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    client = make_client()  # nothing indexed: the search fails with a 503, which is logged
    response = client.get("/search?q=expiry", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 503 and response.headers["X-Request-ID"] == "req-42"
    failed = [line for line in log_lines() if line["message"].startswith("request failed")]
    assert failed and {line["request_id"] for line in failed} == {"req-42"}
    started = [line for line in log_lines() if "at start-up" in line["message"]]
    assert started and started[0]["request_id"] is None  # outside any request


def test_a_request_id_that_could_forge_log_lines_is_replaced(make_client: Client) -> None:
    response = make_client().get("/healthz", headers={"X-Request-ID": 'x"\\n{"level": "ERROR"'})
    assert response.headers["X-Request-ID"] != 'x"\\n{"level": "ERROR"'
    assert len(response.headers["X-Request-ID"]) == 32


def test_a_worker_job_logs_with_the_request_id_it_was_sent_with(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    from celery import Celery

    import tasks.jobs  # noqa: F401  (connects the signal handlers under test)

    app = Celery("test", broker="memory://", set_as_current=False)

    @app.task(name="test.log_something")
    def log_something() -> None:
        logging.getLogger("tasks.test").info("working on the job")

    log_something.apply(headers={"request_id": "req-from-api"})
    log_something.apply()
    job_lines = [line for line in log_lines() if line["message"] == "working on the job"]
    assert [line["request_id"] for line in job_lines] == ["req-from-api", None]


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Puts back the logging setup a test replaces with `logging_config` (pytest's own too)."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access"]
    loggers = [logging.getLogger(name) for name in names]
    saved = [(lg.handlers[:], lg.filters[:], lg.level, lg.propagate) for lg in loggers]
    yield
    for lg, (handlers, filters, level, propagate) in zip(loggers, saved, strict=True):
        lg.handlers[:], lg.filters[:], lg.level, lg.propagate = handlers, filters, level, propagate


def test_uvicorn_access_lines_are_json_with_the_request_id_and_no_token(
    make_client: Client, capfd: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    import threading
    import time

    import httpx
    import uvicorn

    from indexer.bootstrap.log_setup import logging_config
    from tests.services import free_port

    app = make_client(editor_token=SecretStr(TOKEN)).app
    port = free_port()
    config = uvicorn.Config(app, port=port, log_config=logging_config("json"), lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        for token, request_id in [(TOKEN, "rid-good"), (TOKEN[::-1], "rid-bad")]:
            httpx.post(
                f"http://127.0.0.1:{port}/admin/reindex",
                headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id},
            )
    finally:
        server.should_exit = True
        thread.join(10)
    err = capfd.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert [(a["request_id"], a["method"], a["status"]) for a in access] == [
        ("rid-good", "POST", 202),
        ("rid-bad", "POST", 403),
    ]
    assert TOKEN not in err and TOKEN[::-1] not in err
