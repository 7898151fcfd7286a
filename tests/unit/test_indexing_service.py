from __future__ import annotations

from pathlib import Path

import pytest

from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.errors import IndexMismatch, NotFound
from indexer.index.consistency import check_index
from indexer.model import Article
from tests.builders import fake_model_services, sections, write_article
from tests.fakes import FakeEmbedder, FakeTokenizer


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    write_article(folder, "redis-caching", sections("Expiry", "Stampedes", "Invalidation"))
    write_article(folder, "celery-retries", sections("Backoff", "Idempotency"))
    write_article(folder, "postgres-locks", sections("Row locks", "Deadlocks"))
    return folder


def test_indexing_a_folder_adds_every_article_and_commits_a_snapshot(
    fake_services: Services, source: Path
) -> None:
    report = fake_services.indexing.sync_source(source)
    assert sorted(report.added) == ["celery-retries", "postgres-locks", "redis-caching"]
    assert report.chunks_embedded == report.chunks_total > 3
    assert report.generation == 1
    assert check_index(fake_services.store, fake_services.reader).ok


def test_the_embedder_gets_the_chunkers_token_ids_shortest_text_first(
    fake_services: Services, fake_embedder: FakeEmbedder, source: Path, tmp_path: Path
) -> None:
    write_article(source, "short-note", "One line only.")
    fake_services.indexing.sync_source(source)

    tokenizer = FakeTokenizer()
    texts = [text for call in fake_embedder.calls for text in call]
    given = [t for t in fake_embedder.tokens]
    assert all(t is not None and t.tokenizer == tokenizer.fingerprint for t in given)
    ids = [list(i) for t in given if t is not None for i in t.ids]
    assert ids == [tokenizer.encode(text.strip()) for text in texts]
    lengths = [len(i) for i in ids]
    assert lengths == sorted(lengths) and lengths[0] < lengths[-1]


def test_reindexing_an_unchanged_corpus_embeds_nothing_and_commits_nothing(
    fake_services: Services, fake_embedder: FakeEmbedder, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    before = fake_embedder.embedded
    report = fake_services.indexing.sync_source(source)
    assert fake_embedder.embedded == before
    assert report.unchanged == 3 and report.chunks_embedded == 0
    assert fake_services.store.generation() == 1


def test_editing_one_article_re_embeds_only_its_changed_chunks(
    fake_services: Services, fake_embedder: FakeEmbedder, source: Path
) -> None:
    first = fake_services.indexing.sync_source(source)
    path = source / "redis-caching.md"
    path.write_text(path.read_text().replace("Stampedes sentence 3", "Stampedes phrase 3"))
    report = fake_services.indexing.sync_source(source)
    assert report.updated == ["redis-caching"]
    assert 1 <= report.chunks_embedded < 3
    assert all("Stampedes" in text for text in fake_embedder.calls[-1])
    assert report.chunks_total == first.chunks_total
    assert check_index(fake_services.store, fake_services.reader).ok


def test_an_article_removed_from_the_source_is_deleted_from_the_index(
    fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    (source / "postgres-locks.md").unlink()
    report = fake_services.indexing.sync_source(source)
    assert report.deleted == ["postgres-locks"]
    result = fake_services.search.search("Deadlocks sentence", k=10, mode="bm25")
    assert "postgres-locks" not in {hit.article_id for hit in result.hits}
    assert check_index(fake_services.store, fake_services.reader).ok


def test_an_article_marked_draft_is_deleted_from_the_index(
    fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    write_article(source, "celery-retries", sections("Backoff"), draft="true")
    report = fake_services.indexing.sync_source(source)
    assert report.deleted == ["celery-retries"]


def test_a_file_that_fails_to_load_is_reported_and_its_article_kept(
    fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    (source / "celery-retries.md").write_bytes(b"---\ntitle: x\n---\n\xff\xfe broken")
    (source / "new-one.md").write_text("---\ntitle: New\n---\n\nFresh text.\n")
    report = fake_services.indexing.sync_source(source)
    assert [Path(f.path).name for f in report.failed] == ["celery-retries.md"]
    assert report.added == ["new-one"]
    assert report.deleted == []
    assert "celery-retries" in fake_services.store.stored_articles()


def test_upserting_and_deleting_one_article_by_id(fake_services: Services) -> None:
    article = Article(id="solo", title="Solo", text="## One\n\nSome words here.", source_path="api")
    assert fake_services.indexing.index_article(article).added == ["solo"]
    assert fake_services.indexing.index_article(article).unchanged == 1
    assert fake_services.indexing.remove_article("solo").deleted == ["solo"]
    with pytest.raises(NotFound):
        fake_services.indexing.remove_article("solo")


def test_an_index_built_with_one_model_refuses_another(
    settings: Settings, fake_services: Services, source: Path
) -> None:
    fake_services.indexing.sync_source(source)
    other = fake_model_services(settings, embedder=FakeEmbedder(name="another-model"))
    write_article(source, "extra", sections("More"))
    with pytest.raises(IndexMismatch, match="another-model"):
        other.indexing.sync_source(source)
    with pytest.raises(IndexMismatch):
        other.search.search("Expiry")
