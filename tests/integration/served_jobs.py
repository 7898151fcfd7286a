"""Real servers for the job tests: `footnote serve` and a `footnote worker` of two processes
(what `footnote serve` starts by itself in the embedded mode), in the embedded mode or on
Redis, over a small index of the sample built once per module."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import redis

from eval.bench.stack import Stack, running_stack
from indexer.bootstrap import build
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.builders import EXAMPLES

SUBSET = ["celery-observable-tasks", "redis-caching-patterns", "unit-of-work-pattern"]
QUESTIONS = [
    "How do I keep Celery tasks observable?",
    "How should I cache with Redis?",
    "What is the unit of work pattern?",
]
TERMINAL = ("succeeded", "failed", "cancelled", "expired")
# The queues `tasks.celery_app` declares; on Redis each is a list under its own name.
QUEUES = ("answers", "indexing")


def index_subset(root: Path, model: tuple[Embedder, Tokenizer]) -> Path:
    """A data directory holding an index of a few sample articles; copy it per server."""
    articles = root / "articles"
    articles.mkdir(parents=True)
    for slug in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", articles / f"{slug}.md")
    settings = Settings(data_dir=root / "data", _env_file=None)  # type: ignore[call-arg]
    embedder, tokenizer = model
    build(settings, embedder=embedder, tokenizer=tokenizer).indexing.sync_source(articles)
    return settings.data_dir


@contextmanager
def served(
    template: Path,
    root: Path,
    onnx_dir: Path,
    redis_url: str | None,
    settings_env: Mapping[str, str] | None = None,
) -> Iterator[Stack]:
    """A server and a worker over a copy of `template`. On Redis, messages other tests left in
    the queues are dropped first: a worker must not spend the measured seconds on them."""
    data_dir = root / "data"
    shutil.copytree(template, data_dir)
    if redis_url:
        redis.Redis.from_url(redis_url).delete(*QUEUES)
    with running_stack(
        data_dir,
        root / "logs",
        onnx_dir,
        True,
        redis_url,
        worker_concurrency=2,
        settings_env=settings_env,
    ) as stack:
        yield stack


def editor(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token}"}


def wait_for(stack: Stack, job_id: str, seconds: float = 120) -> dict[str, Any]:
    """The job once it ends, read with the editor token (which reads every job)."""
    deadline = time.monotonic() + seconds
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = httpx.get(f"{stack.url}/jobs/{job_id}", headers=editor(stack), timeout=10).json()
        if job["state"] in TERMINAL:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} unfinished after {seconds} s: {job}\n{stack.log_tail()}")
