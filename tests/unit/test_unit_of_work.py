from __future__ import annotations

import pytest

from indexer.bootstrap import Services
from indexer.consistency import check_index
from indexer.model import Article
from indexer.snapshots import SnapshotDirectory


def article(slug: str, words: str) -> Article:
    return Article(id=slug, title=slug, text=f"## Part\n\n{words}", source_path="api")


def test_leaving_the_block_without_commit_changes_nothing(fake_services: Services) -> None:
    fake_services.indexing.upsert_article(article("kept", "alpha beta gamma"))
    with fake_services.indexing._uow_factory() as uow:  # noqa: SLF001 - exercising the UoW itself
        uow.delete_article("kept")
    assert "kept" in fake_services.store.stored_articles()
    assert fake_services.store.generation() == 1


def test_a_failure_while_writing_the_snapshot_leaves_the_previous_one_current(
    fake_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_services.indexing.upsert_article(article("first", "alpha beta gamma"))

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(SnapshotDirectory, "write", explode)
    with pytest.raises(OSError, match="disk full"):
        fake_services.indexing.upsert_article(article("second", "delta epsilon"))
    assert list(fake_services.store.stored_articles()) == ["first"]
    assert fake_services.store.generation() == 1
    assert check_index(fake_services.store, fake_services.reader).ok


def test_old_snapshots_are_pruned_and_crash_debris_removed(fake_services: Services) -> None:
    debris = fake_services.snapshots.root / ".tmp-00000099-1"
    debris.mkdir()
    for i in range(6):
        fake_services.indexing.upsert_article(article("a", f"version {i} words"))
    assert fake_services.snapshots.generations() == [4, 5, 6]
    assert not debris.exists()


def test_removed_chunks_stay_readable_until_their_last_snapshot_is_pruned(
    fake_services: Services,
) -> None:
    fake_services.indexing.upsert_article(article("a", "original words here"))
    old = fake_services.reader.current()
    old_ids = old.vectors.ids()
    fake_services.indexing.upsert_article(article("a", "rewritten text now"))
    hits = fake_services.store.hits([(i, 1.0) for i in old_ids])
    assert [h.text for h in hits] == ["original words here"]


def test_readers_switch_to_a_new_snapshot_without_restarting(fake_services: Services) -> None:
    fake_services.indexing.upsert_article(article("a", "alpha words"))
    assert fake_services.search.search("alpha", mode="bm25").hits
    fake_services.indexing.upsert_article(article("b", "omega words"))
    result = fake_services.search.search("omega", mode="bm25")
    assert result.generation == 2
    assert [h.article_id for h in result.hits] == ["b"]
    assert fake_services.reader.reloads == 2


def test_a_corrupted_snapshot_is_refused_and_the_previous_one_kept(
    fake_services: Services,
) -> None:
    fake_services.indexing.upsert_article(article("a", "alpha words"))
    fake_services.search.search("alpha")
    fake_services.indexing.upsert_article(article("b", "omega words"))
    vectors = fake_services.snapshots.path(2) / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:20])
    result = fake_services.search.search("alpha", mode="bm25")
    assert result.generation == 1
    assert "checksum" in (fake_services.reader.last_error or "")
    assert not check_index(fake_services.store, fake_services.reader).ok
