"""Each writer of the index on a real full disk (a tmpfs) says "no space left on <mount>":
FAISS's own RuntimeError, SQLite's two ways of failing, and a whole publish, which keeps the
last commit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from indexer.adapters.faiss_index import FaissVectorIndex
from indexer.adapters.sqlite_store import SqliteChunkStore
from indexer.bootstrap import Services, build
from indexer.config import Settings
from indexer.errors import NoSpaceLeft
from indexer.index.consistency import check_index
from indexer.model import Article
from tests.fakes import FakeEmbedder, FakeTokenizer
from tests.small_disk import fill, small_disk

pytestmark = pytest.mark.integration


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as mount:
        yield mount


def test_faiss_writing_to_a_full_disk_raises_no_space_left(disk: Path) -> None:
    index = FaissVectorIndex(384)
    rows = np.random.default_rng(0).standard_normal((200, 384)).astype(np.float32)
    index.add(list(range(200)), rows / np.linalg.norm(rows, axis=1, keepdims=True))
    fill(disk, leave_kb=16)  # the 300 KB file gets a partial write, then ENOSPC
    with pytest.raises(NoSpaceLeft, match=f"^no space left on {disk} .*vectors.faiss"):
        index.save(str(disk / "vectors.faiss"))


def test_sqlite_opening_on_a_full_disk_raises_no_space_left(disk: Path) -> None:
    fill(disk)
    with pytest.raises(NoSpaceLeft, match=f"^no space left on {disk} .*footnote.db"):
        SqliteChunkStore(disk / "data" / "footnote.db")


def services_on(data_dir: Path) -> Services:
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    return build(settings, embedder=FakeEmbedder(), tokenizer=FakeTokenizer())


def article(number: int) -> Article:
    words = " ".join(f"word{number}x{i}" for i in range(400))
    return Article(id=f"a{number}", title=f"A{number}", text=f"## P\n\n{words}", source_path="api")


@pytest.mark.parametrize("leave_kb", [0, 8, 32, 64, 128])
def test_a_publish_on_a_full_disk_fails_cleanly_and_keeps_the_last_commit(
    disk: Path, leave_kb: int
) -> None:
    """Real FAISS, bm25s and SQLite (fake model ports): wherever the disk runs out, the same
    error, and the index stays at the generation committed before."""
    services = services_on(disk / "data")
    services.indexing.index_article(article(1))
    filler = fill(disk, leave_kb)
    try:
        services.indexing.index_article(article(2))
    except NoSpaceLeft as exc:
        assert str(exc).startswith(f"no space left on {disk}")
        assert services.store.generation() == 1
    else:
        assert leave_kb > 0, "a publish with no free space at all cannot have succeeded"
    finally:
        filler.unlink()
    reopened = services_on(disk / "data")
    assert check_index(reopened.store, reopened.reader).ok
    assert reopened.indexing.index_article(article(3)).generation == reopened.store.generation()
