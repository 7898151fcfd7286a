"""A job stack for the worker tests: the API in-process, a real worker process, and how to wait
for what they do."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from indexer.config import Settings
from tasks.processes import spawn
from tests.builders import EXAMPLES, ROOT

TOKEN = "editor-test-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}
# A slice of the sample keeps each worker's re-index to seconds.
SUBSET = [
    "celery-observable-tasks",
    "celery-retries-2022",
    "celery-retries-revisited-2025",
    "redis-caching-patterns",
    "postgresql-row-locking",
    "docker-for-real-teams",
    "unit-of-work-pattern",
    "why-async-processing-matters",
]


def copy_subset(target: Path) -> Path:
    target.mkdir(parents=True)
    for slug in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", target / f"{slug}.md")
    return target


@dataclass
class Stack:
    client: TestClient
    settings: Settings
    worker: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path


def start_worker(env: dict[str, str], data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    if env.get("FOOTNOTE_REDIS_URL"):
        # With Redis, the plain Celery command line: `footnote worker` is only a thin wrapper.
        command = [sys.executable, "-m", "celery", "-A", "tasks", "worker", "--concurrency=1"]
        command += ["--queues=answers,indexing", "--loglevel=INFO"]
    else:
        command = [sys.executable, "-m", "footnote.cli", "worker", "--concurrency", "1"]
        command += ["--data-dir", str(data_dir)]
    return spawn(command, env, log, ROOT)


def wait_for(client: TestClient, job_id: str, seconds: float = 240) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}", headers=EDITOR).json()  # editors' jobs too
        if job["state"] in ("succeeded", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s: {job}")


def ask(client: TestClient, question: str) -> dict[str, object]:
    accepted = client.post("/ask", json={"question": question})
    assert accepted.status_code == 202, accepted.text
    return wait_for(client, accepted.json()["job_id"])
