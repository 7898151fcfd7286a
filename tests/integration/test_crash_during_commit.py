"""SIGKILL a writer in the middle of a commit: the previous snapshot stays current and whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.index.consistency import check_index
from tests.builders import ROOT, faiss_services, sections, write_article

pytestmark = pytest.mark.integration


def services_for(data_dir: Path) -> Services:
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    return faiss_services(settings)


def kill_writer_at(point: str, data_dir: Path, source: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.crash_writer", str(data_dir), str(source), point],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "PAUSED", "the writer never reached " + point
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", ["writing-vectors", "before-commit"])
def test_a_writer_killed_mid_commit_leaves_the_previous_snapshot_intact(
    tmp_path: Path, point: str
) -> None:
    source = tmp_path / "articles"
    write_article(source, "kept", sections("Original", "Stable"))
    data_dir = tmp_path / "data"
    services_for(data_dir).indexing.sync_source(source)

    write_article(source, "kept", sections("Rewritten", "Stable"))
    write_article(source, "added", sections("Newcomer"))
    kill_writer_at(point, data_dir, source)

    after = services_for(data_dir)
    assert after.store.generation() == 1
    report = check_index(after.store, after.reader)
    assert report.ok, report.problems
    assert set(after.store.stored_articles()) == {"kept"}
    hits = after.search.search("Original sentence", k=3, mode="bm25").hits
    assert hits and hits[0].heading == "Original"

    retried = after.indexing.sync_source(source)
    assert retried.generation == 2 and retried.added == ["added"]
    assert check_index(after.store, after.reader).ok
    assert not [p for p in after.snapshots.root.iterdir() if p.name.startswith(".tmp")]
