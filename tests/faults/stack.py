"""What the fault tests share about the stack they break: its articles and token, the question
it answers, and handles on its Redis and its processes (the `stack` fixture starts them)."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis

from tests.llm_server import LLMServer
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
