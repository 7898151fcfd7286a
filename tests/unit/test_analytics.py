"""Recording searches off the request path, retention, the off switch, and the gap report."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from indexer.adapters.sqlite_analytics import SqliteSearchLog
from indexer.analytics.clustering import cluster
from indexer.analytics.normalise import normalise
from indexer.analytics.recorder import NoRecorder, QueuedRecorder
from indexer.analytics.reports import Reports
from indexer.bootstrap import build_recorder
from indexer.config import Settings
from indexer.ports import Vectors
from indexer.ports.analytics import OpenEvent, QueryEvent

DAY = 24 * 3600.0


class TopicEmbedder:
    """Texts sharing their first letter point the same way: one topic per first letter."""

    name = "topics"
    dimension = 8

    def embed(self, texts: Sequence[str]) -> Vectors:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            rows[i, ord(text[0]) % self.dimension] = 1.0
        return rows


def search(text: str, results: int, at: float | None = None, qid: str = "") -> QueryEvent:
    return QueryEvent(
        qid or text, "search", normalise(text), "hybrid", results, None, at or time.time()
    )


def test_text_is_normalised_by_case_spacing_and_edge_punctuation() -> None:
    assert normalise("  Where IS   the Café?? ") == "where is the café"


def test_recorded_events_reach_the_store_from_the_background_writer(tmp_path: Path) -> None:
    log = SqliteSearchLog(tmp_path / "analytics.sqlite")
    recorder = QueuedRecorder(log, retention_days=90)
    recorder.record(search("solar panels", 3))
    recorder.record(OpenEvent("solar panels", "solar-article", time.time()))
    recorder.flush()
    assert [q.text for q in log.queries(0)] == ["solar panels"]
    assert [o.article_id for o in log.opens(0)] == ["solar-article"]
    recorder.close()


def test_a_full_queue_drops_and_counts_events_instead_of_waiting(tmp_path: Path) -> None:
    class StuckLog(SqliteSearchLog):
        def add(self, queries: Sequence[QueryEvent], opens: Sequence[OpenEvent]) -> None:
            time.sleep(0.5)

    recorder = QueuedRecorder(StuckLog(tmp_path / "a.sqlite"), 90, capacity=2, batch=1)
    started = time.perf_counter()
    for _ in range(10):
        recorder.record(search("x", 1))
    assert time.perf_counter() - started < 0.1
    assert recorder.dropped >= 7


def test_a_failing_store_costs_events_not_the_writer(tmp_path: Path) -> None:
    class BrokenLog(SqliteSearchLog):
        def add(self, queries: Sequence[QueryEvent], opens: Sequence[OpenEvent]) -> None:
            raise OSError("disk full")

    recorder = QueuedRecorder(BrokenLog(tmp_path / "a.sqlite"), 90)
    recorder.record(search("x", 1))
    recorder.flush()
    recorder.record(search("y", 1))
    recorder.flush()
    assert recorder.dropped == 2


def test_events_past_retention_are_purged_when_the_writer_starts(tmp_path: Path) -> None:
    log = SqliteSearchLog(tmp_path / "analytics.sqlite")
    log.add([search("old", 0, at=time.time() - 91 * DAY), search("new", 0)], [])
    QueuedRecorder(log, retention_days=90).close()
    assert [q.text for q in log.queries(0)] == ["new"]


def test_with_analytics_off_nothing_is_recorded_or_stored(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, analytics=False)
    recorder = build_recorder(settings)
    assert isinstance(recorder, NoRecorder)
    recorder.record(search("anything", 0))
    assert not (tmp_path / "analytics.sqlite").exists()


def test_clustering_groups_texts_whose_embeddings_are_close() -> None:
    texts = ["pension reform", "pension changes", "tram lines", "pension rules"]
    groups = cluster(texts, TopicEmbedder())
    assert sorted(sorted(g) for g in groups) == [[0, 1, 3], [2]]


def test_the_gap_report_counts_empty_searches_and_abstained_questions_by_topic(
    tmp_path: Path,
) -> None:
    log = SqliteSearchLog(tmp_path / "analytics.sqlite")
    now = time.time()
    asked = QueryEvent("q9", "ask", "pension rules?", "ask", 2, 0.1, now, answered=False)
    answered = QueryEvent("q8", "ask", "tram times", "ask", 2, 0.9, now, answered=True)
    log.add(
        [
            search("pension reform", 0, qid="a"),
            search("pension changes", 0, qid="b"),
            search("tram lines", 5, qid="c"),
            asked,
            answered,
        ],
        [OpenEvent("c", "trams", now)],
    )
    report = Reports(log, TopicEmbedder()).gaps(since_days=7)
    assert report["total"] == 3
    [row] = report["gaps"]
    assert (row["count"], row["searches"], row["questions"]) == (3, 2, 1)
    queries = Reports(log, TopicEmbedder()).queries(since_days=7)
    assert queries["views"] == [{"article_id": "trams", "views": 1}]
    assert queries["never_opened"] == []


def test_a_log_written_before_events_had_ids_is_kept_and_then_deduplicated(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "analytics.sqlite"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE queries (query_id TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT "
            "NULL, mode TEXT NOT NULL, filters TEXT NOT NULL, results INTEGER NOT NULL, "
            "best_score REAL, answered INTEGER, at REAL NOT NULL)"
        )
        old.execute(
            "INSERT INTO queries VALUES ('q', 'search', 'old', 'bm25', '{}', 0, NULL, NULL, 1)"
        )
    log = SqliteSearchLog(path)
    again = search("new", 1)
    log.add([again, again], [])
    log.add([again], [])
    assert [q.text for q in log.queries(0)] == ["old", "new"]
