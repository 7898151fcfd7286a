"""One load-test run: index, serve, run locust in its own process, report."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadtest.report import build_report
from loadtest.server import NO_RATE_LIMITS, Indexing, RssSampler, Server, server_env

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


@dataclass(frozen=True)
class LoadPlan:
    source: Path
    data_dir: Path
    work_dir: Path
    users: int = 20
    duration_s: int = 120
    spawn_rate: float = 5.0
    warmup_s: float | None = None
    redis_url: str | None = None
    search_weight: int = 9
    ask_weight: int = 1
    max_requests: int = 200_000

    @property
    def warmup(self) -> float:
        return self.warmup_s if self.warmup_s is not None else max(3.0, self.duration_s / 10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(plan: LoadPlan) -> dict[str, Any]:
    """Runs the plan and returns the report; raises ServerFailed if nothing could be served."""
    plan.work_dir.mkdir(parents=True, exist_ok=True)
    for stale in plan.work_dir.glob("locust*"):
        stale.unlink()  # a report must never be read from an earlier run's files
    log = plan.work_dir / "server.log"
    env = server_env(plan.data_dir, plan.redis_url)
    clock = time.monotonic()
    # Indexing and the server's start-up (each loads the model) overlap: the server picks
    # the new snapshot up by itself once `footnote index` commits it.
    indexing = Indexing(plan.source, env, log)
    server = Server(free_port(), env, log)
    try:
        server.start()
        indexed = indexing.wait()
        index_s = time.monotonic() - clock
        server.wait_ready()
        start_s = time.monotonic() - clock
        with RssSampler(server.pid) as sampler:
            started = time.monotonic()
            exit_code = _locust(plan, server.url)
            duration_s = time.monotonic() - started
        samples = list(sampler.samples)
    finally:
        indexing.stop()
        server.stop()
    prefix = plan.work_dir / "locust"
    report = build_report(
        Path(f"{prefix}.json"),
        Path(f"{prefix}_failures.csv"),
        samples,
        duration_s=duration_s,
        warmup_s=plan.warmup,
        settings={
            "users": plan.users,
            "duration_s": plan.duration_s,
            "spawn_rate": plan.spawn_rate,
            "mode": "redis" if plan.redis_url else "embedded",
            "mix": {"search": plan.search_weight, "ask": plan.ask_weight},
            "server_env": NO_RATE_LIMITS,
            "chunks_indexed": indexed.get("chunks_total"),
            "index_s": round(index_s, 1),
            "ready_after_s": round(start_s, 1),
            "locust_exit_code": exit_code,
        },
    )
    (plan.work_dir / "report.json").write_text(json.dumps(report, indent=2))
    return report


def _locust(plan: LoadPlan, url: str) -> int:
    """Locust headless in a separate process (gevent patches everything it runs in), bounded
    by --run-time, the user count and LOADTEST_MAX_REQUESTS; returns its exit code."""
    prefix = plan.work_dir / "locust"
    command = [
        sys.executable, "-m", "locust",
        "-f", str(LOCUSTFILE),
        "--headless", "--only-summary",
        "--host", url,
        "--users", str(plan.users),
        "--spawn-rate", str(plan.spawn_rate),
        "--run-time", f"{plan.duration_s}s",
        "--stop-timeout", "10",
        "--csv", str(prefix),
        "--json-file", str(prefix),
        "--loglevel", "WARNING",
        "--logfile", str(plan.work_dir / "locust.log"),
    ]  # fmt: skip
    env = {
        **os.environ,
        "LOADTEST_SEARCH_WEIGHT": str(plan.search_weight),
        "LOADTEST_ASK_WEIGHT": str(plan.ask_weight),
        "LOADTEST_MAX_REQUESTS": str(plan.max_requests),
    }
    with (plan.work_dir / "locust.out").open("wb") as out:
        done = subprocess.run(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=plan.duration_s + 120,
            check=False,
        )
    return done.returncode
