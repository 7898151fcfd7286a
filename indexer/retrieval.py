"""Ranking arithmetic: pure functions over (chunk id, score) lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

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
