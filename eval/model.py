"""What an evaluation reads and produces: query sets, datasets and per-set results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from indexer.errors import FootnoteError

Qrels = dict[str, dict[str, int]]
"""Query id -> document (article) id -> graded relevance, only judgements above 0."""


class DatasetError(FootnoteError):
    """An evaluation dataset that is missing files or has malformed lines."""


class ReportError(FootnoteError):
    """A report file that cannot be read or is not an evaluation report."""


@dataclass(frozen=True)
class QuerySet:
    """Judged queries: every query in `queries` has at least one relevant document in `qrels`."""

    name: str
    queries: dict[str, str]
    qrels: Qrels


@dataclass(frozen=True)
class Dataset:
    """A corpus the indexer can read (`source`) and the query sets judged against it.

    `ignore_identical_ids` drops a document whose id equals the query's id from the ranking,
    as BEIR's own evaluation does (ArguAna and Quora put queries in the corpus).
    """

    name: str
    kind: Literal["beir", "publication"]
    path: Path
    source: Path
    sets: tuple[QuerySet, ...]
    ignore_identical_ids: bool = False
    split: str | None = None

    @property
    def query_count(self) -> int:
        return sum(len(s.queries) for s in self.sets)


@dataclass(frozen=True)
class ModeRun:
    """One mode's answers to one query set: documents best first, and milliseconds per query."""

    rankings: dict[str, list[str]]
    latencies_ms: list[float]
    rejected: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SetResult:
    """Scores of one query set: measure values and latency percentiles per mode."""

    name: str
    queries: int
    metrics: dict[str, dict[str, float]]
    latency_ms: dict[str, dict[str, float]]
    rejected: dict[str, int] = field(default_factory=dict)
