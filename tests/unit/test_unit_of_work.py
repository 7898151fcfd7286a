from __future__ import annotations

import pytest

from indexer.bootstrap import Services
from indexer.index.consistency import check_index
from indexer.index.snapshots import SnapshotDirectory
from indexer.model import Article


def article(slug: str, words: str) -> Article:
    return Article(id=slug, title=slug, text=f"## Part\n\n{words}", source_path="api")


def test_leaving_the_block_without_commit_changes_nothing(fake_services: Services) -> None:
    fake_services.indexing.index_article(article("kept", "alpha beta gamma"))
    with fake_services.indexing._uow_factory() as uow:  # noqa: SLF001 - exercising the UoW itself
        uow.drop_article("kept")
    assert "kept" in fake_services.store.stored_articles()
    assert fake_services.store.generation() == 1


def test_a_failure_while_writing_the_snapshot_leaves_the_previous_one_current(
    fake_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_services.indexing.index_article(article("first", "alpha beta gamma"))

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(SnapshotDirectory, "write", explode)
    with pytest.raises(OSError, match="disk full"):
        fake_services.indexing.index_article(article("second", "delta epsilon"))
    assert list(fake_services.store.stored_articles()) == ["first"]
    assert fake_services.store.generation() == 1
    assert check_index(fake_services.store, fake_services.reader).ok


def test_old_snapshots_are_pruned_and_crash_debris_removed(fake_services: Services) -> None:
    debris = fake_services.snapshots.root / ".tmp-00000099-1"
    debris.mkdir()
    for i in range(6):
        fake_services.indexing.index_article(article("a", f"version {i} words"))
    assert fake_services.snapshots.generations() == [4, 5, 6]
    assert not debris.exists()


def test_removed_chunks_stay_readable_until_their_last_snapshot_is_pruned(
    fake_services: Services,
) -> None:
    fake_services.indexing.index_article(article("a", "original words here"))
    old = fake_services.reader.current()
    old_ids = old.vectors.ids()
    fake_services.indexing.index_article(article("a", "rewritten text now"))
    hits = fake_services.store.hits([(i, 1.0) for i in old_ids])
    assert [h.text for h in hits] == ["original words here"]


def test_readers_switch_to_a_new_snapshot_without_restarting(fake_services: Services) -> None:
    fake_services.indexing.index_article(article("a", "alpha words"))
    assert fake_services.search.search("alpha", mode="bm25").hits
    fake_services.indexing.index_article(article("b", "omega words"))
    result = fake_services.search.search("omega", mode="bm25")
    assert result.generation == 2
    assert [h.article_id for h in result.hits] == ["b"]
    assert fake_services.reader.reloads == 2


def test_a_corrupted_snapshot_is_refused_and_the_previous_one_kept(
    fake_services: Services,
) -> None:
    fake_services.indexing.index_article(article("a", "alpha words"))
    fake_services.search.search("alpha")
    fake_services.indexing.index_article(article("b", "omega words"))
    vectors = fake_services.snapshots.path(2) / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:20])
    result = fake_services.search.search("alpha", mode="bm25")
    assert result.generation == 1
    assert "checksum" in (fake_services.reader.last_error or "")
    assert not check_index(fake_services.store, fake_services.reader).ok


def test_keyword_terms_are_stored_once_and_never_worked_out_again(
    fake_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_services.indexing.index_article(article("first", "Retrying acks_late tasks"))
    stored = fake_services.store.live_chunk_terms()
    assert [terms for _, terms, _ in stored] == ["first part retri acks_late ack late task"]

    import indexer.index.unit_of_work as uow_module

    tokenised: list[str] = []
    counting = uow_module.keyword_terms

    def count(text: str) -> str:
        tokenised.append(text)
        return counting(text)

    monkeypatch.setattr(uow_module, "keyword_terms", count)
    fake_services.indexing.index_article(article("second", "Caching with redis-py"))

    # Only the new chunk was tokenised; the first one's stored terms were reused.
    assert len(tokenised) == 1 and "redis-py" in tokenised[0]
    page = fake_services.search.search("acks_late", mode="bm25")
    assert [r.article_id for r in page.results] == ["first"]


def test_an_index_from_before_stored_terms_gets_them_on_its_next_commit(
    fake_services: Services,
) -> None:
    fake_services.indexing.index_article(article("old", "stampede protection"))
    # What an index written by an earlier release looks like: no terms column at all.
    conn = fake_services.store.conn
    conn.execute("ALTER TABLE chunks DROP COLUMN terms")
    from indexer.adapters.sqlite_store import SqliteChunkStore

    reopened = SqliteChunkStore(fake_services.store.path)
    assert [terms for _, terms, _ in reopened.live_chunk_terms()] == [None]

    fake_services.indexing.index_article(article("new", "cache warming"))

    assert None not in [terms for _, terms, _ in fake_services.store.live_chunk_terms()]
    page = fake_services.search.search("stampede", mode="bm25")
    assert [r.article_id for r in page.results] == ["old"]
