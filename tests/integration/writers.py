"""Writers as real processes for the rebuild tests: `footnote` commands run to their end, and
ones paused at named points of a write (`tests.integration.paused_cli`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.builders import EXAMPLES, ROOT

CLI = [sys.executable, "-m", "footnote.cli"]
# A few sample articles: a rebuild of them takes seconds, an overlap is still likely.
SUBSET = [
    "celery-observable-tasks",
    "celery-retries-2022",
    "redis-caching-patterns",
    "postgresql-row-locking",
    "docker-for-real-teams",
    "unit-of-work-pattern",
]


def copy_subset(target: Path) -> Path:
    target.mkdir(parents=True)
    for slug in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", target / f"{slug}.md")
    return target


def environment(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "OMP_NUM_THREADS": "1",
        "FOOTNOTE_LOG_FORMAT": "text",
        **extra,
    }


def start_footnote(data_dir: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(
    process: subprocess.Popen[str], timeout_s: float = 300, given: str | None = None
) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(given, timeout=timeout_s)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, out, err


def footnote(data_dir: Path, *args: str, **env: str) -> tuple[int, str, str]:
    return finish(start_footnote(data_dir, *args, **env))


def report_of(stdout: str) -> dict[str, Any]:
    """The JSON summary a `--json` command prints last."""
    return dict(json.loads(stdout.strip().splitlines()[-1]))


def check(data_dir: Path) -> dict[str, Any]:
    """`footnote check --json`, asserting it exits 0 (a consistent index)."""
    code, out, err = footnote(data_dir, "check", "--json")
    assert code == 0, (out, err)
    return report_of(out)


def readiness_generation(url: str) -> int:
    import httpx

    return int(httpx.get(f"{url}/readyz", timeout=10).json()["generation"])


class PausedWriter:
    """`footnote ARGS` stopping at `points` in turn (see `tests.integration.paused_cli`)."""

    def __init__(self, data_dir: Path, points: list[str], *args: str, **env: str) -> None:
        self.points = list(points)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.paused_cli", ",".join(points), *args,
             "--data-dir", str(data_dir)],
            cwd=ROOT,
            env=environment(**env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip

    def wait_paused(self, point: str) -> None:
        """Block until the writer stops at `point` (a point never reached fails the test)."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != f"PAUSED {point}":
            _, err = self.process.communicate(timeout=60)
            raise AssertionError(f"expected PAUSED {point}, got {line!r}; stderr:\n{err[-3000:]}")

    def resume(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def finish(self, timeout_s: float = 300) -> tuple[int, str, str]:
        """Let it run to its end, resuming every point still ahead."""
        return finish(self.process, timeout_s, given="\n" * len(self.points))
