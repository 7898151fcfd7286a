"""The one way processes are started and stopped (`tasks.processes`), with real processes:
the parent-death signal, the process-group stop, the warm stop, and commands the CLI accepts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from footnote.cli import build_parser
from tasks.processes import FOOTNOTE, serve_command, spawn, stop, worker_command
from tests.builders import ROOT

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]
# Starts a sleeping child of its own (in its group, or dying with it), prints the child's pid.
PARENT = """
import signal, subprocess, sys, time
from tasks.processes import spawn
if sys.argv[1] == "die-with-parent":
    child = spawn({sleep!r}, die_with_parent=True)
else:
    child = subprocess.Popen({sleep!r})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(child.pid, flush=True)
time.sleep(60)
"""
StartParent = Callable[[str], tuple[subprocess.Popen[bytes], int]]


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    # An orphan nobody reaps stays a zombie: it has ended all the same.
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def ends_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def parent_of_a_sleeper(tmp_path: Path) -> Iterator[StartParent]:
    """Starts PARENT in the given mode; returns it and its child's pid. Both end afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    children: list[int] = []

    def start(mode: str) -> tuple[subprocess.Popen[bytes], int]:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        code = PARENT.format(sleep=SLEEP)
        parent = spawn([sys.executable, "-c", code, mode], env, tmp_path / "parent.log")
        started.append(parent)
        log = tmp_path / "parent.log"
        deadline = time.monotonic() + 20
        while not log.read_text().strip() and time.monotonic() < deadline:
            time.sleep(0.05)
        children.append(int(log.read_text().split()[0]))
        return parent, children[-1]

    yield start
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for parent in started:
        try:
            os.killpg(parent.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        parent.wait()


@linux_only
def test_a_process_started_to_die_with_its_parent_ends_when_the_parent_is_killed(
    parent_of_a_sleeper: StartParent,
) -> None:
    parent, child = parent_of_a_sleeper("die-with-parent")
    assert alive(child)

    parent.send_signal(signal.SIGKILL)  # the child leads its own session: only the parent dies
    parent.wait()

    assert ends_within(child, 10)


@linux_only
def test_stop_ends_the_whole_process_group_children_included(
    parent_of_a_sleeper: StartParent,
) -> None:
    parent, child = parent_of_a_sleeper("same-group")

    stop(parent, timeout_s=10)

    assert parent.returncode is not None
    assert ends_within(child, 10)


@linux_only
def test_a_warm_stop_signals_the_leader_alone_and_leaves_its_children_to_it(
    parent_of_a_sleeper: StartParent,
) -> None:
    parent, child = parent_of_a_sleeper("same-group")

    stop(parent, timeout_s=10, warm=True)

    assert parent.returncode == 0  # its own SIGTERM handler ran: no SIGKILL was needed
    assert alive(child)


def test_the_worker_and_serve_commands_are_ones_the_footnote_parser_accepts() -> None:
    worker = worker_command(Path("/srv/data"), concurrency=3)
    serve = serve_command(8123, host="0.0.0.0", data_dir=Path("/srv/data"), with_worker=False)
    assert worker[: len(FOOTNOTE)] == serve[: len(FOOTNOTE)] == list(FOOTNOTE)

    w = build_parser().parse_args(worker[len(FOOTNOTE) :])
    s = build_parser().parse_args(serve[len(FOOTNOTE) :])

    assert (w.command, w.concurrency, w.data_dir) == ("worker", 3, Path("/srv/data"))
    assert not w.beat
    assert build_parser().parse_args(worker_command(beat=True)[len(FOOTNOTE) :]).beat
    assert (s.command, s.port, s.host, s.no_worker) == ("serve", 8123, "0.0.0.0", True)
    assert s.data_dir == Path("/srv/data")
