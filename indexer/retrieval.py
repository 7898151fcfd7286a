"""Ranking arithmetic: pure functions over (chunk id, score) lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, get_args

from indexer.date_intent import DateIntent
from indexer.model import Hit

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)

Ranking = list[tuple[int, float]]


def reciprocal_rank_fusion(
    rankings: Sequence[Ranking], k: int = 60, weights: Sequence[float] | None = None
) -> Ranking:
    """Fuse rankings by summing weight / (k + rank) per id (rank from 1), best first.

    Only ranks matter, so scores on different scales (cosine, BM25) combine without calibration.
    """
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (item, _) in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def group_by_article(hits: Sequence[Hit], per_article: int) -> list[list[Hit]]:
    """Hits (best first) gathered per article, articles in the order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        group = groups.setdefault(hit.article_id, [])
        if len(group) < per_article:
            group.append(hit)
    return list(groups.values())


# Date wishes re-order only articles about as relevant as the best one: within this cosine of
# it (dense and hybrid), or this share of its BM25 score (keyword mode), among the first few.
COSINE_MARGIN = 0.08
BM25_SHARE = 0.75
DATE_WINDOW = 8


def prefer_dates(
    articles: list[list[Hit]],
    intent: DateIntent,
    relevance: dict[str, float],
    cosine: bool,
) -> list[list[Hit]]:
    """Re-order the near-equally relevant top articles by the date the query asks for.
    `relevance` maps article ids to their best chunk's cosine (or BM25) score."""
    window = articles[:DATE_WINDOW]
    scores = [relevance.get(group[0].article_id, 0.0) for group in window]
    if not window or scores[0] <= 0:
        return articles
    best = max(scores)
    close = [
        i
        for i, score in enumerate(scores)
        if (score >= best - COSINE_MARGIN if cosine else score >= best * BM25_SHARE)
    ]
    candidates = [window[i] for i in close]
    candidates.sort(key=lambda group: _date_key(group[0], intent), reverse=True)
    reordered = list(articles)
    for position, group in zip(close, candidates, strict=True):
        reordered[position] = group
    return reordered


def _date_key(hit: Hit, intent: DateIntent) -> tuple[int, date]:
    newest = max(d for d in (hit.published, hit.updated, date.min) if d is not None)
    if intent.kind == "year":
        years = {d.year for d in (hit.published, hit.updated) if d is not None}
        # Python's sort is stable, so equally matching articles keep their relevance order.
        return (int(intent.year in years), date.min)
    return (1, newest)
