from __future__ import annotations

import pytest

from eval.metrics import MEASURES, latency_percentiles, score_rankings


def test_a_perfect_ranking_scores_one_on_every_measure() -> None:
    scores = score_rankings({"q1": {"a": 1}, "q2": {"b": 1}}, {"q1": ["a", "x"], "q2": ["b"]})

    assert scores == dict.fromkeys(MEASURES, 1.0)


def test_the_only_relevant_document_at_rank_two_halves_the_reciprocal_rank() -> None:
    scores = score_rankings({"q1": {"a": 1}}, {"q1": ["x", "a"]})

    assert scores["mrr@10"] == pytest.approx(0.5)
    assert scores["recall@10"] == 1.0
    # One relevant document at rank 2: DCG 1/log2(3), ideal DCG 1.
    assert scores["ndcg@10"] == pytest.approx(0.6309, abs=1e-4)


def test_a_relevant_document_below_rank_ten_counts_only_for_recall_at_100() -> None:
    ranking = [f"x{i}" for i in range(10)] + ["a"]

    scores = score_rankings({"q1": {"a": 1}}, {"q1": ranking})

    assert scores["recall@10"] == scores["ndcg@10"] == scores["mrr@10"] == 0.0
    assert scores["recall@100"] == 1.0


def test_a_judged_query_without_a_ranking_scores_zero_and_unjudged_ones_are_ignored() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}

    scores = score_rankings(qrels, {"q1": ["a"], "q2": [], "q3": ["c"]})

    assert scores["ndcg@10"] == pytest.approx(0.5)


def test_latency_percentiles_are_p50_p95_and_p99_in_milliseconds() -> None:
    latencies = [float(i) for i in range(1, 101)]

    result = latency_percentiles(latencies)

    assert set(result) == {"p50", "p95", "p99"}
    assert result["p50"] == pytest.approx(50.5)
    assert result["p99"] == pytest.approx(99.01)
    assert latency_percentiles([]) == {"p50": 0.0, "p95": 0.0, "p99": 0.0}
