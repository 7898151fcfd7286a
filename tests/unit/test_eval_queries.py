from __future__ import annotations

from pathlib import Path

import pytest

from eval.model import QuerySet
from eval.queries import DEEP_K, documents_in_order, rank_documents, run_query_set
from eval.retrieval import eval_settings
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.model import Hit
from indexer.ports import NoProgress
from indexer.search.search_service import ArticleResult, SearchPage
from tests.builders import fake_model_services, sections, write_article


@pytest.fixture
def services(settings: Settings, tmp_path: Path) -> Services:
    """Three articles indexed, searched with the evaluation's settings (pages of 100)."""
    services = fake_model_services(eval_settings(settings, settings.data_dir, 0))
    folder = tmp_path / "articles"
    write_article(folder, "redis-caching", sections("Expiry", "Stampedes"))
    write_article(folder, "celery-retries", sections("Backoff", "Idempotency"))
    write_article(folder, "postgres-locks", sections("Deadlocks"))
    services.indexing.sync_source(folder)
    return services


def page(*articles: str) -> SearchPage:
    results = [
        ArticleResult(article_id, 1.0 / rank, (hit(article_id, rank),))
        for rank, article_id in enumerate(articles, start=1)
    ]
    return SearchPage("q", "hybrid", 1, 10, len(results), 1, 1.0, None, results)


def hit(article_id: str, chunk_id: int) -> Hit:
    return Hit(chunk_id, article_id, article_id, None, None, None, "text", 0, 4, 1.0)


def test_documents_take_their_articles_order_and_keep_their_first_rank_across_pages() -> None:
    first, deep = page("b", "a", "c"), page("a", "b", "d", "c", "e")

    assert documents_in_order([first, deep]) == ["b", "a", "c", "d", "e"]


def test_a_query_ranks_every_matching_article_once_best_first(services: Services) -> None:

    ranking, took_ms = rank_documents(services.search, "Backoff sentence about topic", "hybrid")

    assert ranking[0] == "celery-retries"
    assert sorted(ranking) == ["celery-retries", "postgres-locks", "redis-caching"]
    assert took_ms > 0


def test_every_query_of_a_set_is_run_with_its_latency(services: Services) -> None:
    queries = QuerySet(
        "tiny",
        {"q1": "Stampedes topic", "q2": "Deadlocks topic"},
        {"q1": {"redis-caching": 1}, "q2": {"postgres-locks": 1}},
    )

    for mode in ("bm25", "dense", "hybrid"):
        run = run_query_set(services.search, queries, mode, NoProgress())
        assert run.rankings["q1"][0] == "redis-caching"
        assert run.rankings["q2"][0] == "postgres-locks"
        assert len(run.latencies_ms) == 2 and not run.rejected
        assert all(len(r) <= DEEP_K for r in run.rankings.values())


def test_the_document_named_like_the_query_is_dropped_when_identical_ids_are_ignored(
    services: Services,
) -> None:
    queries = QuerySet("tiny", {"redis-caching": "Stampedes topic"}, {"redis-caching": {"x": 1}})

    kept = run_query_set(services.search, queries, "bm25", NoProgress())
    dropped = run_query_set(services.search, queries, "bm25", NoProgress(), True)

    assert "redis-caching" in kept.rankings["redis-caching"]
    assert "redis-caching" not in dropped.rankings["redis-caching"]


def test_a_query_the_service_rejects_ranks_nothing_and_is_listed(services: Services) -> None:
    queries = QuerySet("tiny", {"blank": "   ", "ok": "Deadlocks"}, {"blank": {"x": 1}})

    run = run_query_set(services.search, queries, "dense", NoProgress())

    assert run.rankings["blank"] == [] and run.rejected == ["blank"]
    assert len(run.latencies_ms) == 1
