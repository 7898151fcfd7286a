"""`IndexingService.rebuild_source`: every article re-embedded into the next generation, as an
ordinary writer, with nothing lost (fakes at the model ports; SQLite, snapshots, BM25 real)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from indexer.bootstrap import Services, VectorBackend, build
from indexer.config import Settings
from indexer.errors import IndexMismatch
from indexer.index.consistency import check_index
from indexer.index.snapshots import SnapshotDirectory
from indexer.model import Article
from indexer.ports import NoProgress, TokenIds, Vectors
from tests.builders import sections, write_article
from tests.fakes import FakeEmbedder, FakeTokenizer, InMemoryVectorIndex


def services_with(settings: Settings, embedder: FakeEmbedder) -> Services:
    return build(
        settings,
        embedder=embedder,
        tokenizer=FakeTokenizer(),
        vectors=VectorBackend(empty=InMemoryVectorIndex, load=InMemoryVectorIndex.load),
    )


def api_article(slug: str, words: str) -> Article:
    return Article(id=slug, title=slug, text=f"## Note\n\n{words}", source_path="api")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    write_article(folder, "redis-caching", sections("Expiry", "Stampedes"))
    write_article(folder, "celery-retries", sections("Backoff", "Idempotency"))
    write_article(folder, "postgres-locks", sections("Deadlocks"))
    return folder


def assert_consistent(services: Services) -> None:
    report = check_index(services.store, services.reader)
    assert report.ok, report.problems


def test_a_rebuild_re_embeds_every_chunk_into_the_next_generation(
    fake_services: Services, fake_embedder: FakeEmbedder, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    old_ids = fake_services.reader.current().vectors.ids()
    embedded_before = fake_embedder.embedded

    report = fake_services.indexing.rebuild_source(source)

    assert report.generation == 2 and fake_services.store.generation() == 2
    assert sorted(report.updated) == ["celery-retries", "postgres-locks", "redis-caching"]
    assert fake_embedder.embedded - embedded_before == report.chunks_embedded
    assert report.chunks_embedded == report.chunks_total == len(old_ids)
    new_ids = fake_services.reader.current().vectors.ids()
    assert new_ids.isdisjoint(old_ids) and len(new_ids) == len(old_ids)
    assert_consistent(fake_services)
    hits = fake_services.search.search("Stampedes sentence", k=1, mode="dense").hits
    assert hits[0].article_id == "redis-caching"
    # The same content afterwards: an ordinary index finds nothing to do.
    assert fake_services.indexing.sync_source(source).unchanged == 3


def test_a_rebuild_keeps_and_re_embeds_an_article_upserted_through_the_api(
    fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    fake_services.indexing.index_article(api_article("cms-note", "quokka migration diary"))
    before = {c.id for c in fake_services.store.live_chunks("cms-note")}

    report = fake_services.indexing.rebuild_source(source)

    assert "cms-note" in report.updated and not report.deleted
    after = {c.id for c in fake_services.store.live_chunks("cms-note")}
    assert after and after.isdisjoint(before)
    stored = fake_services.store.article("cms-note")
    assert stored is not None and stored.source_path == "api"
    hits = fake_services.search.search("quokka migration", k=1, mode="dense").hits
    assert hits[0].article_id == "cms-note"
    assert_consistent(fake_services)


def test_a_rebuild_switches_to_the_configured_model_and_records_it(
    fake_services: Services, settings: Settings, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    other = services_with(settings, FakeEmbedder(dimension=32, name="other-model"))
    with pytest.raises(IndexMismatch, match="--rebuild"):
        other.indexing.sync_source(source)

    report = other.indexing.rebuild_source(source)

    assert report.generation == 2
    assert other.store.get_meta("model") == "other-model"
    assert other.store.get_meta("dimension") == "32"
    manifest = other.reader.current().manifest
    assert (manifest.model, manifest.dimension) == ("other-model", 32)
    assert_consistent(other)
    assert other.search.search("Backoff sentence", k=1).hits[0].article_id == "celery-retries"
    # Processes still configured for the old model refuse the new index instead of mixing.
    with pytest.raises(IndexMismatch):
        fake_services.search.search("Backoff sentence", mode="dense")
    with pytest.raises(IndexMismatch):
        fake_services.indexing.index_article(api_article("late", "old model words"))


def test_a_rebuild_deletes_articles_gone_from_the_source_or_now_drafts(
    fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    (source / "postgres-locks.md").unlink()
    write_article(source, "celery-retries", sections("Backoff"), draft="true")
    write_article(source, "docker-basics", sections("Images"))

    report = fake_services.indexing.rebuild_source(source)

    assert sorted(report.deleted) == ["celery-retries", "postgres-locks"]
    assert report.added == ["docker-basics"] and report.updated == ["redis-caching"]
    assert set(fake_services.store.stored_articles()) == {"docker-basics", "redis-caching"}
    assert_consistent(fake_services)


def test_a_rebuild_keeps_the_articles_of_a_file_that_no_longer_loads(
    fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    (source / "postgres-locks.md").write_text("---\ntitle: [unclosed\n---\nbody\n")

    report = fake_services.indexing.rebuild_source(source)

    assert [f.path for f in report.failed] == [str(source / "postgres-locks.md")]
    assert "postgres-locks" in report.updated and not report.deleted
    assert_consistent(fake_services)


class EmbedderWithInterlude(FakeEmbedder):
    """Runs `interlude` once, at its first call: another writer committing while a rebuild
    embeds, deterministically."""

    def __init__(self, interlude: Callable[[], None]) -> None:
        super().__init__()
        self._interlude: Callable[[], None] | None = interlude

    def embed(self, texts: Sequence[str], tokens: TokenIds | None = None) -> Vectors:
        interlude, self._interlude = self._interlude, None
        if interlude is not None:
            interlude()
        return super().embed(texts, tokens)


def test_articles_other_writers_change_while_a_rebuild_embeds_end_in_their_newest_version(
    fake_services: Services, settings: Settings, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    for slug in ("edited-note", "deleted-note"):
        fake_services.indexing.index_article(api_article(slug, f"{slug} first words"))
    other = services_with(settings, FakeEmbedder())
    source_override = Article(
        id="celery-retries", title="Retries", text="## Now\n\nwombat override", source_path="api"
    )

    def another_writer() -> None:
        other.indexing.index_article(api_article("edited-note", "platypus second version"))
        other.indexing.index_article(api_article("new-note", "echidna brand new"))
        other.indexing.remove_article("deleted-note")
        other.indexing.index_article(source_override)

    rebuilding = services_with(settings, EmbedderWithInterlude(another_writer))
    report = rebuilding.indexing.rebuild_source(source)

    assert report.generation == 3 + 4 + 1
    store = rebuilding.store
    assert set(store.stored_articles()) == {
        "redis-caching", "celery-retries", "postgres-locks", "edited-note", "new-note",
    }  # fmt: skip
    edited = store.article("edited-note")
    assert edited is not None and "platypus" in edited.text
    assert store.article("celery-retries") == source_override
    assert_consistent(rebuilding)
    for query, expected in [("platypus second", "edited-note"), ("echidna brand", "new-note"),
                            ("wombat override", "celery-retries")]:  # fmt: skip
        assert rebuilding.search.search(query, k=1, mode="dense").hits[0].article_id == expected


def test_a_rebuild_that_fails_to_publish_leaves_the_previous_index_serving(
    fake_services: Services, settings: Settings, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_services.indexing.sync_source(source)
    other = services_with(settings, FakeEmbedder(name="other-model"))

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(SnapshotDirectory, "write", disk_full)
    with pytest.raises(OSError, match="disk full"):
        other.indexing.rebuild_source(source)
    assert fake_services.store.generation() == 1
    assert fake_services.store.get_meta("model") == "fake-embedder"
    assert_consistent(fake_services)
    hits = fake_services.search.search("Deadlocks sentence", k=1).hits
    assert hits[0].article_id == "postgres-locks"


def test_a_rebuild_builds_an_index_where_there_was_none(
    fake_services: Services, source: Path
) -> None:
    report = fake_services.indexing.rebuild_source(source)
    assert report.generation == 1 and len(report.added) == 3
    assert_consistent(fake_services)


def test_a_fresh_unit_of_work_refuses_to_publish_articles_it_left_without_vectors(
    fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    with pytest.raises(RuntimeError, match="without vectors"):
        with fake_services.indexing._uow_factory(fresh=True) as uow:  # noqa: SLF001
            uow.drop_article("postgres-locks")
            uow.commit()
    assert fake_services.store.generation() == 1
    assert_consistent(fake_services)


def test_a_fresh_unit_of_work_replacing_an_article_twice_keeps_only_the_second_version(
    fake_services: Services, fake_embedder: FakeEmbedder
) -> None:
    first, second = api_article("note", "kestrel words"), api_article("note", "heron words")
    fake_services.indexing.index_article(first)
    chunked = {
        a.content_hash: fake_services.indexing._prepare([a], NoProgress())  # noqa: SLF001
        for a in (first, second)
    }
    with fake_services.indexing._uow_factory(fresh=True) as uow:  # noqa: SLF001
        for article in (first, second):
            [(_, chunks)], vectors = chunked[article.content_hash]
            uow.replace_article(article, chunks, vectors)
        assert uow.commit() == 2
    assert_consistent(fake_services)
    assert len(fake_services.reader.current().vectors) == 1
    hits = fake_services.search.search("heron", k=1, mode="dense").hits
    assert hits[0].article_id == "note" and "heron" in hits[0].text
