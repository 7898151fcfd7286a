"""The server the e2e tests drive: where it listens, its data, and `footnote` commands over it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tasks.processes import spawn, stop, wait_until_up
from tests.builders import EXAMPLES, ROOT
from tests.services import free_port


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    articles: Path
    env: dict[str, str] | None = None

    def footnote(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "footnote.cli", *args, "--data-dir", str(self.data_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=server_env(self.env),
            timeout=600,
        )


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    # One browser and a few threads on loopback are one client to the rate limiter: lift it.
    unlimited = {"FOOTNOTE_RATE_LIMIT_SEARCH": "0", "FOOTNOTE_RATE_LIMIT_ASK": "0"}
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **unlimited}
    return {**env, **(extra or {})}


@contextmanager
def serving(root: Path, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """`footnote serve` over an index of a copy of the sample articles in `root`, with `env`
    added to the server's environment (`{articles}` in a value is the copied folder)."""
    articles = root / "articles"
    shutil.copytree(EXAMPLES / "articles", articles)
    env = {name: value.replace("{articles}", str(articles)) for name, value in (env or {}).items()}
    server = LiveServer("", root / "data", articles, env)
    indexed = server.footnote("index", str(articles))
    assert indexed.returncode == 0, indexed.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "server.log"
    command = [sys.executable, "-m", "footnote.cli", "serve", "--port", str(port)]
    process = spawn([*command, "--data-dir", str(server.data_dir)], server_env(env), log, ROOT)
    try:
        wait_until_up(url, "/readyz", [process], [log], timeout_s=120)
        yield LiveServer(url, server.data_dir, articles, env)
    finally:
        stop(process, timeout_s=20)
