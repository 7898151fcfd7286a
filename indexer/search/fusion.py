"""Ranking arithmetic: pure functions over (chunk id, score) lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from indexer.model import Hit
from indexer.search.date_intent import DateIntent

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)

Ranking = list[tuple[int, float]]


# Chosen by leave-one-collection-out over SciFact, CISI, MED, CACM and the sample (eval/README.md):
# each side's articles min-max normalised, summed with equal weights, and a bonus for the
# query's identifiers worth this much when the query is nothing but identifiers.
IDENTIFIER_BONUS = 0.5
# Candidates each side offers to fusion: min-max scaling and articles' best chunks depend on how
# deep the lists go, and the rule was chosen on lists this deep (on 100, CACM lost 0.01).
FUSION_DEPTH = 300


def document_fusion(
    dense: Ranking,
    lexical: Ranking,
    owners: Mapping[int, str],
    dense_weight: float = 0.5,
    identifiers: Mapping[int, float] | None = None,
    identifier_weight: float = 0.0,
) -> Ranking:
    """Chunks ranked by their article's fused score, best first (then by their own).

    Each side scores an article by its best chunk and scales its articles' scores to 0..1
    (min-max: the side's weakest candidate 0, its best 1; an article the side did not return
    counts 0). The article's score is the weighted sum, plus `identifier_weight` times the
    largest share of the query's identifiers one of its chunks holds (`identifiers`: chunk
    id -> share). Within an article, chunks keep the order of the same sum over chunks.
    Chunks without an owner are dropped.
    """
    # Arrays over the ~600 candidates a hybrid query brings: the same arithmetic as a loop
    # over dictionaries, in a fraction of the time a search spends.
    chunks = list(dict.fromkeys(item for side in (dense, lexical) for item, _ in side))
    chunks = [item for item in chunks if item in owners]
    if not chunks:
        return []
    row = {item: i for i, item in enumerate(chunks)}
    names: dict[str, int] = {}
    article_of = np.fromiter(
        (names.setdefault(owners[item], len(names)) for item in chunks), np.intp, len(chunks)
    )
    chunk_score = np.zeros(len(chunks))
    article_score = np.zeros(len(names))
    for ranking, weight in ((dense, dense_weight), (lexical, 1.0 - dense_weight)):
        kept = [(row[item], score) for item, score in ranking if item in row]
        if not kept:
            continue
        rows = np.fromiter((i for i, _ in kept), np.intp, len(kept))
        scores = np.fromiter((score for _, score in kept), np.float64, len(kept))
        chunk_score[rows] += weight * _min_max(scores)
        best = np.full(len(names), -np.inf)
        np.maximum.at(best, article_of[rows], scores)
        returned = best > -np.inf
        article_score[returned] += weight * _min_max(best[returned])
    if identifiers and identifier_weight:
        shares = np.fromiter((identifiers.get(item, 0.0) for item in chunks), np.float64)
        bonus = np.zeros(len(names))
        np.maximum.at(bonus, article_of, shares)
        article_score = article_score + identifier_weight * bonus
    final = article_score[article_of]
    order = np.lexsort((np.asarray(chunks), -chunk_score, -final))
    return [(chunks[i], float(final[i])) for i in order.tolist()]


def _min_max(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    low, high = float(scores.min()), float(scores.max())
    if high <= low:
        return np.ones_like(scores)
    scaled: npt.NDArray[np.float64] = (scores - low) / (high - low)
    return scaled


def identifier_shares(holders: Sequence[set[int]]) -> dict[int, float]:
    """Chunk id -> the share of the identifiers (one set of holding chunks each) it holds."""
    shares: dict[int, float] = {}
    for chunks in holders:
        for item in chunks:
            shares[item] = shares.get(item, 0.0) + 1.0 / len(holders)
    return shares


def group_by_article(hits: Sequence[Hit], per_article: int) -> list[list[Hit]]:
    """Hits (best first) gathered per article, articles in the order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        group = groups.setdefault(hit.article_id, [])
        if len(group) < per_article:
            group.append(hit)
    return list(groups.values())


# Date wishes re-order only articles about as relevant as the best one, among the first few,
# judged by the score the ranking was made with: within this share of the best article's
# fused score (hybrid), within this cosine of it (dense), within this share of its BM25 score
# (keyword). The hybrid share was chosen by leave-one-query-out on the sample's date
# questions (README: Retrieval quality); the other two predate fused scores.
FUSED_SHARE = 0.55
COSINE_MARGIN = 0.08
BM25_SHARE = 0.75
DATE_WINDOW = 8


def prefer_dates(articles: list[list[Hit]], intent: DateIntent, mode: str) -> list[list[Hit]]:
    """Re-order the near-equally relevant top articles by the date the query asks for. Each
    article's first hit carries its score in the `mode` ranking."""
    window = articles[:DATE_WINDOW]
    scores = [group[0].score for group in window]
    if not window or scores[0] <= 0:
        return articles
    best = max(scores)
    if mode == "dense":
        floor = best - COSINE_MARGIN
    else:
        floor = best * (FUSED_SHARE if mode == "hybrid" else BM25_SHARE)
    close = [i for i, score in enumerate(scores) if score >= floor]
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
