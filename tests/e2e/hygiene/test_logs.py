"""Probe steps 8 and 12: what the access log keeps of a request's query string.

Tokens sent in the query string (`?token=...`, `?authorization=Bearer%20...`) were written to
the log verbatim, and every reader's search terms were logged with their address.
"""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.hygiene.conftest import Server

pytestmark = pytest.mark.integration

SECRETS = {
    "token": "s3cret-token-1",
    "authorization": "Bearer s3cret-token-2",
    "api_key": "s3cret-token-3",
    "key": "s3cret-token-4",
    "secret": "s3cret-token-5",
    "password": "s3cret-token-6",
    "access_token": "s3cret-token-7",
}


def access_lines(server: Server, marker: str) -> list[dict[str, object]]:
    return [
        r
        for r in server.log_records()
        if r.get("logger") == "uvicorn.access" and marker in str(r.get("path"))
    ]


def test_secret_looking_parameters_are_redacted_in_every_log_line(editor_server: Server) -> None:
    params = {"q": "celery retries", **SECRETS}
    assert httpx.get(f"{editor_server.url}/search", params=params, timeout=30).status_code == 200
    httpx.get(f"{editor_server.url}/articles/Bearer%20s3cret-token-8", timeout=30)

    log = editor_server.log.read_text()
    assert "s3cret-token" not in log
    (line,) = access_lines(editor_server, "/search?q=celery+retries&token=")
    assert "q=celery+retries" in str(line["path"])  # queries are logged on this server
    assert "token=[redacted]" in str(line["path"]) and "password=[redacted]" in str(line["path"])
    assert "token=[redacted]" in str(line["message"])


def test_by_default_the_access_log_keeps_the_path_without_the_query(bare_server: Server) -> None:
    reader = httpx.get(f"{bare_server.url}/search", params={"q": "my private worry"}, timeout=30)
    assert reader.status_code == 503  # no index yet: the request is logged all the same
    log = bare_server.log.read_text()
    assert "private" not in log
    paths = [r["path"] for r in bare_server.log_records() if r.get("logger") == "uvicorn.access"]
    assert "/search" in paths
