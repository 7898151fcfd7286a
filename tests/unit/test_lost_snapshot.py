"""A served snapshot deleted from disk: readiness says so, and the next writer stops cleanly."""

from __future__ import annotations

import shutil

import pytest

from indexer.bootstrap import Services
from indexer.errors import CorruptSnapshot
from indexer.index.snapshots import VECTORS
from indexer.model import Article


def article(slug: str, words: str) -> Article:
    return Article(id=slug, title=slug, text=f"## Part\n\n{words}", source_path="api")


@pytest.fixture
def serving(fake_services: Services) -> Services:
    fake_services.indexing.index_article(article("a", "alpha words"))
    fake_services.reader.current()
    assert fake_services.reader.status()["status"] == "ok"
    return fake_services


def test_a_deleted_snapshot_directory_makes_readiness_degraded_with_the_reason(
    serving: Services,
) -> None:
    shutil.rmtree(serving.snapshots.root)
    status = serving.reader.status()
    assert status["status"] == "degraded" and status["loaded"]
    unreadable = status["unreadable"]
    assert isinstance(unreadable, dict)
    assert unreadable["generation"] == 1
    assert unreadable["file"] == str(serving.snapshots.path(1))
    assert "can no longer be read from disk" in str(status["error"])
    assert "footnote index --rebuild" in str(status["error"])
    assert serving.search.search("alpha", mode="bm25").hits  # still answering from memory


def test_one_missing_file_is_named(serving: Services) -> None:
    (serving.snapshots.path(1) / VECTORS).unlink()
    unreadable = serving.reader.status()["unreadable"]
    assert isinstance(unreadable, dict)
    assert unreadable["file"] == str(serving.snapshots.path(1) / VECTORS)
    assert f"is missing {VECTORS}" in unreadable["error"]


def test_the_next_writer_fails_with_a_clear_message_and_frees_the_write_lock(
    serving: Services,
) -> None:
    shutil.rmtree(serving.snapshots.path(1))
    with pytest.raises(CorruptSnapshot, match="can no longer be read") as refused:
        serving.indexing.index_article(article("b", "beta words"))
    assert "nothing was changed" in str(refused.value) and "--rebuild" in str(refused.value)
    assert serving.store.generation() == 1
    with serving.store.write_transaction():  # not left holding BEGIN IMMEDIATE
        pass


def test_readiness_recovers_when_the_snapshot_comes_back(serving: Services) -> None:
    backup = serving.snapshots.root.parent / "backup"
    shutil.move(serving.snapshots.path(1), backup)
    assert serving.reader.status()["status"] == "degraded"
    shutil.move(backup, serving.snapshots.path(1))
    assert serving.reader.status()["status"] == "ok"
    assert serving.reader.status()["unreadable"] is None
