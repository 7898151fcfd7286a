"""Scoring rankings with ranx (the measures are ranx's, never re-implemented here)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from ranx import Qrels as RanxQrels
from ranx import Run, evaluate

from eval.model import Qrels

MEASURES: tuple[str, ...] = ("ndcg@10", "recall@10", "recall@100", "mrr@10")
PERCENTILES: tuple[int, ...] = (50, 95, 99)


def score_rankings(qrels: Qrels, rankings: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Mean of every measure over the judged queries. A judged query with no ranking (or an
    empty one) scores 0; rankings of unjudged queries are ignored."""
    run = {query_id: _scores(rankings.get(query_id, ())) for query_id in qrels}
    if not any(run.values()):
        # ranx cannot build a run without a single document; every measure is 0 then.
        return dict.fromkeys(MEASURES, 0.0)
    with warnings.catch_warnings():
        # ranx's numba kernels warn about an integer cast that cannot overflow here.
        warnings.filterwarnings("ignore", message="unsafe cast")
        values = evaluate(RanxQrels(qrels), Run(run), list(MEASURES), make_comparable=True)
    assert isinstance(values, dict)
    return {measure: float(values[measure]) for measure in MEASURES}


def latency_percentiles(latencies_ms: Sequence[float]) -> dict[str, float]:
    """p50, p95 and p99 of per-query latencies, in milliseconds (0 for no queries)."""
    if not latencies_ms:
        return {f"p{p}": 0.0 for p in PERCENTILES}
    values = np.percentile(np.asarray(latencies_ms, dtype=np.float64), PERCENTILES)
    return {f"p{p}": float(v) for p, v in zip(PERCENTILES, values, strict=True)}


def _scores(ranking: Sequence[str]) -> dict[str, float]:
    # Strictly decreasing scores pin ranx's order to ours; ties would be broken by id.
    return {doc_id: 1.0 / rank for rank, doc_id in enumerate(ranking, start=1)}
