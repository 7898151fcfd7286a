"""The stack the fault tests break: a redis-server of our own (so it can be stopped and started
again on the same port), `footnote serve` and `footnote worker` as real processes, and the test
LLM server. One stack for the package: the model loads once in each process, and the processes
stop when the fault tests are done."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from footnote.processes import spawn, stop, wait_until_up
from tests.conftest import EXAMPLES, ROOT
from tests.llm_server import LLMServer, running_llm_server
from tests.services import free_port

# Four sample articles: enough to answer QUESTION and to search, quick to embed on a busy box.
SUBSET = [
    "celery-observable-tasks",
    "celery-retries-2022",
    "redis-caching-patterns",
    "postgresql-row-locking",
]
TOKEN = "faults-editor-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}
# Answerable from the subset (retrieval confidence well above the abstention threshold).
QUESTION = "Which Celery setting keeps a task from being lost when a worker dies?"
LLM_TIMEOUT_S = 2


class RedisProcess:
    """A redis-server on a fixed port that a test may stop and start again."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(command, cwd=self._workdir, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._process = None


@dataclass
class Stack:
    url: str
    data_dir: Path
    redis: RedisProcess
    llm: LLMServer
    server: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    server_log: Path
    worker_log: Path

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params, timeout=10)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.post(f"{self.url}{path}", timeout=10, **kwargs)

    def ask(self, question: str) -> str:
        accepted = self.post("/ask", json={"question": question})
        assert accepted.status_code == 202, accepted.text
        return str(accepted.json()["job_id"])

    def wait_for(self, job_id: str, seconds: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        job: dict[str, Any] = {}
        while time.monotonic() < deadline:
            # The editor token reads every job, editors' included.
            response = httpx.get(f"{self.url}/jobs/{job_id}", headers=EDITOR, timeout=10)
            if response.status_code == 200:
                job = response.json()
                if job["state"] in ("succeeded", "failed", "cancelled"):
                    return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} unfinished after {seconds} s: {job}\n{self.logs()}")

    def logs(self) -> str:
        return (
            f"--- server ---\n{self.server_log.read_text()[-3000:]}\n"
            f"--- worker ---\n{self.worker_log.read_text()[-3000:]}"
        )


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("faults")
    articles = root / "articles"
    articles.mkdir()
    for slug in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", articles / f"{slug}.md")
    data_dir = root / "data"
    redis_process = RedisProcess(root)
    redis_process.start()
    with running_llm_server() as llm:
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONPATH": str(ROOT),
            "OMP_NUM_THREADS": "1",
            "FOOTNOTE_DATA_DIR": str(data_dir),
            "FOOTNOTE_SOURCE_DIR": str(articles),
            "FOOTNOTE_EDITOR_TOKEN": TOKEN,
            "FOOTNOTE_REDIS_URL": redis_process.url,
            "FOOTNOTE_LLM_BASE_URL": llm.base_url,
            "FOOTNOTE_LLM_API_KEY": "test-key",
            "FOOTNOTE_LLM_MODEL": "test-model",
            "FOOTNOTE_LLM_TIMEOUT_S": str(LLM_TIMEOUT_S),
            "FOOTNOTE_TASK_MAX_RETRIES": "1",
            # Limits high enough never to trip, so a Redis-backed limiter still runs.
            "FOOTNOTE_RATE_LIMIT_SEARCH": "100000/minute",
            "FOOTNOTE_RATE_LIMIT_ASK": "100000/minute",
            "FOOTNOTE_LOG_FORMAT": "text",
        }
        port = free_port()
        server_log, worker_log = root / "server.log", root / "worker.log"
        where = ["--data-dir", str(data_dir)]
        cli = [sys.executable, "-m", "footnote.cli"]
        server = spawn([*cli, "serve", "--port", str(port), *where], env, server_log, ROOT)
        worker = spawn([*cli, "worker", "--concurrency", "1", *where], env, worker_log, ROOT)
        stack = Stack(
            f"http://127.0.0.1:{port}", data_dir, redis_process, llm, server, worker,
            server_log, worker_log,
        )  # fmt: skip
        try:
            wait_until_up(stack.url, "/healthz", [server], [server_log], timeout_s=180)
            indexed = stack.post("/admin/reindex", headers=EDITOR)
            assert indexed.status_code == 202, indexed.text
            job = stack.wait_for(indexed.json()["job_id"], seconds=240)
            assert job["state"] == "succeeded", (job, stack.logs())
            assert stack.get("/readyz").status_code == 200
            yield stack
        finally:
            stop(worker, timeout_s=15)
            stop(server, timeout_s=15)
            redis_process.stop()
