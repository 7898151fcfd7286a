"""How fast a backlog of jobs drains, and how soon a lone job is picked up.

Drain: the worker's pool processes are paused (SIGSTOP), `jobs` short questions are submitted
through `POST /ask` by 8 clients at once, the pool resumes, and the rate runs from the resume
to the last job's end as its record says. Paused children hold no lock (they wait on their
pipe), and the worker's main process keeps serving the broker, so nothing times out; and how
fast this client submits cannot cap the rate. Pickup: on an empty queue, a job's start minus its
creation (both from the record), for `probes` jobs spaced at random against the broker's
polling.
"""

from __future__ import annotations

import random
import signal
import statistics
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from eval.bench.stack import Stack, running_stack
from indexer.config import Settings

TERMINAL = ("succeeded", "failed", "cancelled", "expired")
TIMEOUT_S = 600.0
CLIENTS = 8
SETTLE_S = 0.5


def measure_drain(stack: Stack, question: str, jobs: int = 100, probes: int = 10) -> dict[str, Any]:
    """Short jobs: `question` every time, answered from the answer cache after the first in
    each worker process (milliseconds of work), so that the rate is the queue's and the
    worker loop's, not the answering's (`footnote eval answers` times that)."""
    assert stack.worker_pid is not None, "the drain needs the stack's worker"

    def ask(_: int) -> str:
        return _submit(client, question)

    with httpx.Client(base_url=stack.url, timeout=60) as client:
        _wait(client, [ask(0)], stack)  # the worker loads its model on its first job
        pickups = []
        for i in range(probes):
            time.sleep(random.uniform(0.2, 1.2))
            job = _wait(client, [ask(i)], stack)[0]
            pickups.append(job["started_at"] - job["created_at"])
        with paused_pool(stack.worker_pid) as resume:
            submitted = time.perf_counter()
            with ThreadPoolExecutor(CLIENTS) as pool:
                ids = list(pool.map(ask, range(jobs)))
            accepted_s = time.perf_counter() - submitted
        done = _wait(client, ids, stack)
    drain_s = max(job["finished_at"] for job in done) - resume[0]
    return {
        "jobs": jobs,
        "drain_jobs_per_s": round(jobs / drain_s, 1),
        "drain_s": round(drain_s, 2),
        "accepted_per_s": round(jobs / accepted_s, 1),
        "succeeded": sum(job["state"] == "succeeded" for job in done),
        "pickup_p50_s": round(statistics.median(pickups), 3),
        "pickup_max_s": round(max(pickups), 3),
        "probes": probes,
    }


@contextmanager
def paused_pool(worker_pid: int) -> Iterator[list[float]]:
    """Stop the worker's pool processes for the block; yields a list that holds, once the
    block ends, the wall-clock time they were resumed.

    Waits `SETTLE_S` first: a job reads as finished a moment before its process has written
    its last event, and a process stopped inside that write would hold the SQLite job store's
    lock, so every submission would wait for it and fail."""
    import psutil

    time.sleep(SETTLE_S)
    children = psutil.Process(worker_pid).children(recursive=True)
    resumed: list[float] = []
    for child in children:
        child.send_signal(signal.SIGSTOP)
    try:
        yield resumed
    finally:
        resumed.append(time.time())
        for child in children:
            child.send_signal(signal.SIGCONT)


def _submit(client: httpx.Client, question: str) -> str:
    response = client.post("/ask", json={"question": question})
    if response.status_code != 202:
        raise RuntimeError(f"/ask refused: {response.status_code} {response.text[:300]}")
    return str(response.json()["job_id"])


def _wait(client: httpx.Client, ids: Sequence[str], stack: Stack) -> list[dict[str, Any]]:
    """The finished records of `ids`. Polls the last one first: until it ends, polling the
    others would only take CPU from the worker being measured."""
    deadline = time.monotonic() + TIMEOUT_S
    finished: dict[str, dict[str, Any]] = {}
    pending = list(reversed(ids))
    while pending:
        job = client.get(f"/jobs/{pending[0]}").json()
        if job["state"] in TERMINAL:
            finished[pending.pop(0)] = job
            continue
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {pending[0]} still {job['state']}:\n{stack.log_tail()}")
        time.sleep(0.05)
    return [finished[job_id] for job_id in ids]


def jobs_section(
    settings: Settings,
    data_dir: Path,
    logs: Path,
    onnx_dir: Path,
    question: str,
    jobs: int,
) -> dict[str, Any]:
    """The drain in the embedded mode, and in Redis mode when FOOTNOTE_REDIS_URL is set, each
    with a fresh `footnote serve` and a worker of FOOTNOTE_WORKER_CONCURRENCY processes (what
    `footnote serve` starts by itself in the embedded mode)."""
    by_mode: dict[str, dict[str, Any]] = {}
    for mode, redis_url in (("embedded", None), ("redis", settings.redis_url)):
        if mode == "redis" and not redis_url:
            by_mode[mode] = {"skipped": "set FOOTNOTE_REDIS_URL to measure the Redis mode"}
            continue
        concurrency = settings.worker_concurrency
        with running_stack(
            data_dir, logs, onnx_dir, True, redis_url, worker_concurrency=concurrency
        ) as stack:
            by_mode[mode] = measure_drain(stack, question, jobs)
    return {
        "jobs": jobs,
        "worker_concurrency": settings.worker_concurrency,
        **{
            key: {mode: entry.get(key) for mode, entry in by_mode.items()}
            for key in ("drain_jobs_per_s", "pickup_p50_s", "pickup_max_s")
        },
        "by_mode": by_mode,
    }
