"""Rate limits behind a reverse proxy, through `footnote serve` itself (uvicorn applies the
trusted-proxy rule before the app sees the request): a trusted proxy's X-Forwarded-For picks
the client that is counted; from an untrusted peer the header changes nothing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

from tasks.processes import spawn, stop, wait_until_up
from tests.builders import ROOT
from tests.services import free_port

pytestmark = pytest.mark.integration


def statuses_by_forwarded_client(tmp_path: Path, trusted: str) -> list[tuple[str, int]]:
    port = free_port()
    env = {
        **os.environ,
        "FOOTNOTE_DATA_DIR": str(tmp_path / f"data-{trusted or 'none'}"),
        "FOOTNOTE_RATE_LIMIT_SEARCH": "2/minute",
        "FOOTNOTE_FORWARDED_ALLOW_IPS": trusted,
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("FOOTNOTE_REDIS_URL", None)  # counts in memory: this server's alone
    log = tmp_path / f"serve-{trusted or 'none'}.log"
    command = [sys.executable, "-m", "footnote.cli", "serve", "--no-worker", "--port", str(port)]
    server = spawn(command, env, log, ROOT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, "/healthz", [server], [log], timeout_s=120)
        asked = ["203.0.113.5"] * 3 + ["198.51.100.9"]
        # No index is loaded (503): the limiter answers before the route, so 503 means "let in".
        return [
            (
                client,
                httpx.get(
                    f"{url}/search", params={"q": "x"}, headers={"X-Forwarded-For": client}
                ).status_code,
            )
            for client in asked
        ]
    finally:
        stop(server)


def test_a_trusted_proxy_gets_each_forwarded_client_its_own_count(tmp_path: Path) -> None:
    got = statuses_by_forwarded_client(tmp_path, "127.0.0.1")

    assert [status for _, status in got] == [503, 503, 429, 503]


def test_an_untrusted_peer_cannot_escape_its_count_by_naming_another_client(
    tmp_path: Path,
) -> None:
    got = statuses_by_forwarded_client(tmp_path, "")

    assert [status for _, status in got] == [503, 503, 429, 429]
