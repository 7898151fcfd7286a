"""Ranking arithmetic: pure functions over (chunk id, score) lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, get_args

from indexer.model import Hit
from indexer.search.date_intent import DateIntent

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)

Ranking = list[tuple[int, float]]


def normalised_score_fusion(dense: Ranking, lexical: Ranking, dense_weight: float = 0.5) -> Ranking:
    """Fuse by a weighted sum of each side's scores divided by that side's best score, best first.

    Dividing by the best score puts cosine and BM25 on one 0..1 scale per query without
    training anything; unlike rank fusion it keeps how far ahead a clear winner is, which is
    what lifted hybrid above both single modes on SciFact and on the sample publication.
    A passage one side did not return scores 0 on that side. Negative cosines count as 0.
    """
    fused: dict[int, float] = {}
    for ranking, weight in ((dense, dense_weight), (lexical, 1.0 - dense_weight)):
        best = max((score for _, score in ranking), default=0.0)
        if best <= 0 or weight == 0:
            continue
        for item, score in ranking:
            fused[item] = fused.get(item, 0.0) + weight * max(score, 0.0) / best
    # Passages only a zero-weighted or all-negative side returned still come last, in order.
    for ranking in (dense, lexical):
        for item, _ in ranking:
            fused.setdefault(item, 0.0)
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
