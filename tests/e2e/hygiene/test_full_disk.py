"""Probe step 11: a full disk while indexing.

The probe got FAISS's traceback and exit 1 where the README promises a message and exit 2. Here
the data directory sits on a small tmpfs filled up to a few sizes of free space, so that the
disk runs out in each writer in turn (SQLite opening or committing, the vector file, the
keyword index): every run ends with "no space left on <mount>" and exit 2, or succeeds, and the
index stays as its last commit left it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.hygiene.conftest import footnote, sample_subset
from tests.small_disk import fill, small_disk

pytestmark = pytest.mark.integration

FREE_KB = [0, 16, 48, 96, 160, 224]


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as mount:
        yield mount


def test_a_full_disk_gives_a_message_and_exit_2_and_keeps_the_index(
    disk: Path, tmp_path: Path
) -> None:
    articles = sample_subset(tmp_path / "articles")
    data = disk / "data"
    assert footnote(data, "index", str(articles)).returncode == 0
    edited = articles / "redis-caching-patterns.md"
    original = edited.read_text()

    outcomes: dict[int, str] = {}
    for leave_kb in FREE_KB:
        filler = fill(disk, leave_kb)
        edited.write_text(f"{original}\n\nA paragraph added with {leave_kb} KiB free.\n")
        indexed = footnote(data, "index", str(articles))
        filler.unlink()
        if indexed.returncode == 0:
            outcomes[leave_kb] = "indexed"
            continue
        assert indexed.returncode == 2, indexed.stderr
        assert "Traceback" not in indexed.stderr
        message = indexed.stderr.strip().splitlines()[-1]
        assert f"no space left on {disk}" in message, message
        outcomes[leave_kb] = message
        checked = footnote(data, "check")
        assert checked.returncode == 0, checked.stdout + checked.stderr

    failures = [m for m in outcomes.values() if m != "indexed"]
    assert outcomes[0] != "indexed"
    # The disk ran out in SQLite and in the snapshot writer, not only in one of them.
    assert any("footnote.db" in m for m in failures), outcomes
    assert any("snapshots" in m for m in failures), outcomes

    searched = footnote(data, "search", "redis cache", "--json")
    assert searched.returncode == 0, searched.stderr
    assert footnote(data, "index", str(articles)).returncode == 0
