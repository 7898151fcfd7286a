"""The indexer SIGKILLed at random points during 200 update/delete cycles.

A child process runs the cycles (tests/faults/cycle_writer.py: one commit each, a few articles
upserted or deleted per cycle) and is killed after a seeded random delay, at whatever point of
chunking, embedding, snapshot writing or committing it is in; it is restarted from the cycle
after the last one it reported, until all 200 are done. After every kill the index must pass
the consistency check that `footnote check` runs (FAISS ids, BM25 ids and SQLite rows agree,
checksums hold) and hold exactly the state of a whole cycle: the last one the child reported, or
the next one if it committed but was killed before it could say so. Nothing committed is lost,
nothing half-committed shows. The `footnote check` command itself runs mid-way and at the end.

The child uses the deterministic FakeEmbedder and FakeTokenizer at the model ports: the subject
is the crash consistency of SQLite + FAISS + the BM25 snapshot, not the model. Children are
forked by a small fork server that has imported everything once, so a restart costs
milliseconds instead of seconds of imports.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.bootstrap import open_index
from indexer.config import Settings
from indexer.index.consistency import check_index
from tests.builders import ROOT
from tests.faults.cycle_writer import State, plan

pytestmark = pytest.mark.integration
CYCLES = 200
SEED = 20261202
# A child is killed inside the cycle after this many reported ones: about 30 kills in all.
KILL_AFTER = (0, 12)


def indexed_state(data_dir: Path) -> tuple[State, list[str]]:
    """What the index holds (article id -> marker of its version), and any consistency problems."""
    files = open_index(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    try:
        problems = check_index(files.store, files.reader).problems
        state = {}
        for article_id in files.store.stored_articles():
            article = files.store.article(article_id)
            assert article is not None
            markers = {word for word in article.text.split() if word.startswith("mark")}
            assert len(markers) == 1, f"{article_id} mixes versions: {markers}"
            state[article_id] = markers.pop()
        return state, problems
    finally:
        files.store.conn.close()


def footnote_check(data_dir: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "footnote.cli", "check", "--json", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def reported(report: Path) -> tuple[list[int], bool]:
    """The cycles the child said it committed, and whether it said it was done."""
    lines = report.read_text().splitlines() if report.exists() else []
    return [int(line.split()[1]) for line in lines if line.startswith("COMMITTED ")], (
        "DONE" in lines
    )


class ForkServer:
    """tests/faults/cycle_writer.py as a process that forks indexer children on request."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process

    def run(self, first: int, report: Path, after_cycles: int, fraction: float) -> int:
        """Run cycles from `first` in a new child, and SIGKILL it `fraction` of a cycle's time
        after it reported `after_cycles` commits (so kills land anywhere inside a cycle, on a
        fast machine or a slow one), unless it ended by itself. Returns its exit code."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(f"RUN {first} {CYCLES} {report}\n")
        self._process.stdin.flush()
        pid = int(self._process.stdout.readline().split()[1])
        started = time.monotonic()
        while True:
            ended, _, _ = select.select([self._process.stdout], [], [], 0.005)
            if ended:
                return int(self._process.stdout.readline().split()[1])
            count = len(reported(report)[0])
            if count >= after_cycles:
                break
        cycle_s = (time.monotonic() - started) / max(count, 1) if count else 0.1
        ended, _, _ = select.select([self._process.stdout], [], [], fraction * cycle_s)
        if not ended:
            os.kill(pid, signal.SIGKILL)  # not reaped until the server's waitpid: no reuse
        return int(self._process.stdout.readline().split()[1])


@pytest.fixture
def work_dir(tmp_path: Path) -> Iterator[Path]:
    """On tmpfs when there is one. A SIGKILL loses no page cache, so what is tested (commit
    order: snapshot written aside, renamed, then the SQLite COMMIT) is the same; only the fsyncs,
    which guard against power loss, stop costing ~0.3 s a cycle on a busy disk."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="footnote-kill-") as directory:
        yield Path(directory)


@pytest.fixture
def fork_server(work_dir: Path) -> Iterator[ForkServer]:
    command = [sys.executable, "-m", "tests.faults.cycle_writer"]
    command += [str(work_dir / "data"), str(work_dir / "articles"), str(SEED)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield ForkServer(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def test_an_indexer_killed_at_random_points_loses_no_committed_cycle(
    work_dir: Path, fork_server: ForkServer
) -> None:
    data_dir = work_dir / "data"
    states = plan(SEED, CYCLES)
    rng = random.Random(SEED)
    committed, kills, unreported, checked_by_cli = 0, 0, 0, 0
    started = time.monotonic()
    while committed < CYCLES:
        report = work_dir / f"report-{kills}-{committed}.txt"
        code = fork_server.run(committed + 1, report, rng.randint(*KILL_AFTER), rng.random())
        kills += code == -signal.SIGKILL
        cycles, done = reported(report)
        last = cycles[-1] if cycles else 0
        assert done or code == -signal.SIGKILL, f"the child failed on its own: exit {code}"

        state, problems = indexed_state(data_dir)
        assert not problems, f"after kill {kills} (cycle {last}): {problems}"
        expected = states[max(last, committed)]
        if state != expected:
            # Committed, then killed before it could report it: the next whole cycle is there.
            following = min(max(last, committed) + 1, CYCLES)
            assert state == states[following], (
                f"after kill {kills}, the index matches neither cycle {last} nor the next: "
                f"{state} vs {expected}"
            )
            unreported += 1
            last = following
        committed = max(last, committed)
        if kills in (10, 25) and checked_by_cli < kills:
            assert footnote_check(data_dir)["ok"] is True
            checked_by_cli = kills

    final = footnote_check(data_dir)
    elapsed = time.monotonic() - started
    print(f"{kills} kills over {CYCLES} cycles in {elapsed:.1f} s; {unreported} unreported commits")
    assert final["ok"] is True and final["generation"] == CYCLES
    assert indexed_state(data_dir)[0] == states[CYCLES]
    assert kills >= 20
    leftovers = [p.name for p in (data_dir / "snapshots").iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []
