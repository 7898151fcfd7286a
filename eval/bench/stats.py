"""Summaries over repeated runs: the median, with the range kept beside it.

The machine is shared and noisy, so one run proves little: each figure of the report is the
median of its runs, and `spread` holds [min, max] under the same key.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

PERCENTILES = (50, 95, 99)


def percentiles_ms(latencies_s: Sequence[float], prefix: str) -> dict[str, float]:
    """`{prefix}_p50_ms`, `_p95_ms`, `_p99_ms` of latencies given in seconds."""
    if not latencies_s:
        return {f"{prefix}_p{p}_ms": 0.0 for p in PERCENTILES}
    values = np.percentile(np.asarray(latencies_s, dtype=np.float64) * 1000, PERCENTILES)
    return {
        f"{prefix}_p{p}_ms": round(float(v), 2) for p, v in zip(PERCENTILES, values, strict=True)
    }


def summarize(runs: Sequence[Mapping[str, float]]) -> dict[str, Any]:
    """Median of every key over the runs, plus `spread: {key: [min, max]}` and `repeats`."""
    if not runs:
        return {"repeats": 0, "spread": {}}
    keys = list(runs[0])
    medians: dict[str, Any] = {
        key: round(float(statistics.median(r[key] for r in runs)), 4) for key in keys
    }
    medians["spread"] = {
        key: [
            round(float(min(r[key] for r in runs)), 4),
            round(float(max(r[key] for r in runs)), 4),
        ]
        for key in keys
    }
    medians["repeats"] = len(runs)
    return medians


def median_or_none(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None
