"""What the HTTP API and the worker write to their logs: the editor token never, a request id on
every line of a request or of the job it started, uvicorn's access lines as JSON."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from indexer.bootstrap.log_setup import make_handler
from tests.builders import Client

TOKEN = "tok-9f8e7d6c5b4a-editor"


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
