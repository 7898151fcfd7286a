"""Real `footnote serve` processes (embedded mode, its own worker) for the outside probe's
steps: one editor-enabled server over a few sample articles for the package, and fresh servers
for the tests that break their data directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tasks.processes import spawn, stop, wait_until_up
from tests.builders import EXAMPLES, ROOT
from tests.services import free_port

TOKEN = "hygiene-editor-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}
SUBSET = ["celery-observable-tasks", "redis-caching-patterns", "postgresql-row-locking"]


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    log: Path

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params, timeout=30)

    def put_article(self, raw_id: str, article: dict[str, Any]) -> httpx.Response:
        """PUT /admin/articles/{raw_id}, the id sent exactly as given (percent escapes too)."""
        return httpx.put(
            f"{self.url}/admin/articles/{raw_id}", json=article, headers=EDITOR, timeout=30
        )

    def wait_for(self, job_id: str, timeout_s: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            job: dict[str, Any] = httpx.get(
                f"{self.url}/jobs/{job_id}", headers=EDITOR, timeout=10
            ).json()
            if job["state"] in ("succeeded", "failed", "cancelled"):
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} did not finish in {timeout_s} s:\n{self.tail()}")

    def log_records(self) -> list[dict[str, Any]]:
        """Every JSON line the server (API and its worker) has logged so far."""
        records = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                records.append(json.loads(line))
        return records

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def footnote(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "footnote.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env or server_env(),
        timeout=600,
    )


def server_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FOOTNOTE_") or k.endswith("ONNX_CACHE_DIR")
    }
    return {
        **env,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "FOOTNOTE_RATE_LIMIT_SEARCH": "0",
        "FOOTNOTE_RATE_LIMIT_ASK": "0",
        "FOOTNOTE_EDITOR_TOKEN": TOKEN,
        **extra,
    }


def sample_subset(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{name}.md", folder / f"{name}.md")
    return folder


@contextmanager
def serving(root: Path, ready_path: str = "/readyz", **extra: str) -> Iterator[Server]:
    """`footnote serve` over `root / "data"`, up once `ready_path` answers 200."""
    port = free_port()
    server = Server(f"http://127.0.0.1:{port}", root / "data", root / "server.log")
    command = [sys.executable, "-m", "footnote.cli", "serve", "--port", str(port)]
    env = server_env(**extra)
    process = spawn([*command, "--data-dir", str(server.data_dir)], env, server.log, ROOT)
    try:
        wait_until_up(server.url, ready_path, [process], [server.log], timeout_s=180)
        yield server
    finally:
        stop(process, timeout_s=20)


@pytest.fixture(scope="package")
def editor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Editors enabled, query strings logged (so redaction can be seen), a few articles."""
    root = tmp_path_factory.mktemp("hygiene")
    articles = sample_subset(root / "articles")
    indexed = footnote(root / "data", "index", str(articles))
    assert indexed.returncode == 0, indexed.stderr
    with serving(root, FOOTNOTE_LOG_QUERIES="true") as server:
        yield server


@pytest.fixture(scope="package")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """No index yet, default logging, and a source folder that does not exist."""
    root = tmp_path_factory.mktemp("bare")
    missing = root / "no-such-source"
    with serving(root, "/healthz", FOOTNOTE_SOURCE_DIR=str(missing)) as server:
        yield server
