"""A real server: `footnote serve` in its own process, over an index of the sample articles."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tasks.processes import spawn, stop, wait_until_up
from tests.builders import EXAMPLES, ROOT
from tests.e2e.browser import launch_chromium
from tests.e2e.live_server import LiveServer, server_env
from tests.services import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("live")
    articles = root / "articles"
    shutil.copytree(EXAMPLES / "articles", articles)
    server = LiveServer("", root / "data", articles)
    indexed = server.footnote("index", str(articles))
    assert indexed.returncode == 0, indexed.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "server.log"
    command = [sys.executable, "-m", "footnote.cli", "serve", "--port", str(port)]
    process = spawn([*command, "--data-dir", str(server.data_dir)], server_env(), log, ROOT)
    try:
        wait_until_up(url, "/readyz", [process], [log], timeout_s=120)
        yield LiveServer(url, server.data_dir, articles)
    finally:
        stop(process, timeout_s=20)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One browser for the whole session (Playwright's sync API allows one per thread)."""
    yield from launch_chromium()
