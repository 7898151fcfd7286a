"""The real model, FAISS, bm25s and SQLite over the bundled sample publication."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer.bootstrap import Services, build
from indexer.config import Settings
from indexer.index.consistency import check_index
from indexer.ports import Embedder, Tokenizer
from tests.builders import EXAMPLES

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sample") / "articles"
    shutil.copytree(EXAMPLES / "articles", target)
    return target


@pytest.fixture(scope="module")
def indexed(
    tmp_path_factory: pytest.TempPathFactory,
    real_model: tuple[Embedder, Tokenizer],
    sample_copy: Path,
) -> Services:
    """Indexed once for the read-only tests of this module."""
    embedder, tokenizer = real_model
    data = tmp_path_factory.mktemp("data")
    settings = Settings(data_dir=data, _env_file=None)  # type: ignore[call-arg]
    services = build(settings, embedder=embedder, tokenizer=tokenizer)
    report = services.indexing.sync_source(sample_copy)
    assert len(report.added) >= 24 and not report.failed
    return services


def sample_questions(count: int) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in (EXAMPLES / "questions.jsonl").read_text().splitlines()]
    answerable = [row for row in rows if row["answerable"]]
    step = len(answerable) // count
    return answerable[::step][:count]


def test_indexing_the_sample_twice_embeds_nothing_the_second_time(
    indexed: Services, sample_copy: Path
) -> None:
    again = indexed.indexing.sync_source(sample_copy)
    assert again.chunks_embedded == 0
    assert again.unchanged >= 24 and not again.added and not again.updated
    assert again.generation == indexed.store.generation() == 1


def test_editing_one_article_re_embeds_only_its_changed_chunks(
    real_services: Services, articles_copy: Path
) -> None:
    indexed = real_services
    indexed.indexing.sync_source(articles_copy)
    path = articles_copy / "redis-caching-patterns.md"
    text = path.read_text()
    paragraph = next(p for p in text.split("\n\n")[3:] if p[:1].isalpha() and len(p) > 200)
    path.write_text(text.replace(paragraph, paragraph + " Measure the hit rate weekly."))
    before = indexed.store.counts()[1]
    report = indexed.indexing.sync_source(articles_copy)
    assert report.updated == ["redis-caching-patterns"]
    assert 1 <= report.chunks_embedded <= 3
    assert indexed.store.counts()[1] == before
    hits = indexed.search.search("measure the hit rate weekly", k=3, mode="bm25").hits
    assert "Measure the hit rate weekly." in hits[0].text


def test_the_answering_article_is_the_top_result_for_most_sample_questions(
    indexed: Services,
) -> None:
    questions = sample_questions(10)
    correct = []
    for question in questions:
        relevant = {r["slug"] for r in question["relevant"]}  # type: ignore[attr-defined]
        top = indexed.search.search(str(question["question"]), k=1).hits[0]
        correct.append(top.article_id in relevant)
    assert sum(correct) >= 8, list(zip([q["question"] for q in questions], correct, strict=True))


def test_no_chunk_exceeds_the_model_sequence_length(
    indexed: Services, real_model: tuple[Embedder, Tokenizer]
) -> None:
    _, tokenizer = real_model
    rows = indexed.store.conn.execute("SELECT context, text FROM chunks").fetchall()
    counts = tokenizer.count_many([r["context"] + r["text"] for r in rows])
    assert max(counts) <= tokenizer.max_tokens == 254


def test_the_committed_index_passes_its_consistency_check(indexed: Services) -> None:
    report = check_index(indexed.store, indexed.reader)
    assert report.ok, report.problems
    assert report.articles >= 24


def test_hits_deep_link_to_the_section_and_quote_the_article_exactly(
    indexed: Services, sample_copy: Path
) -> None:
    hit = indexed.search.search("how do I keep Celery tasks observable", k=1).hits[0]
    assert hit.article_id == "celery-observable-tasks"
    assert hit.deep_link and hit.deep_link.startswith(f"{hit.url}#")
    # Offsets point into the article's text: its Markdown with link and emphasis syntax
    # turned into words, which is what readers are shown.
    body = indexed.search.article(hit.article_id).text
    assert body[hit.start : hit.end] == hit.text
    raw = (sample_copy / "celery-observable-tasks.md").read_text()
    assert all(word in raw for word in hit.text.split()[:5])
