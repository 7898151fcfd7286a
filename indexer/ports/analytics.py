"""The port of reader analytics: where searches, questions and opened results are kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

QueryKind = Literal["search", "ask"]


@dataclass(frozen=True)
class QueryEvent:
    """One search or question, as recorded: never who asked (no address, user or cookie)."""

    query_id: str
    kind: QueryKind
    text: str  # normalised
    mode: str
    results: int
    best_score: float | None
    at: float  # Unix seconds
    filters: Mapping[str, Any] = field(default_factory=dict)
    answered: bool | None = None  # questions only: False when the answer abstained


@dataclass(frozen=True)
class OpenEvent:
    """A reader opened `article_id` from the results of `query_id`."""

    query_id: str
    article_id: str
    at: float


class SearchLog(Protocol):
    """Recorded events. Writes come in batches from one background writer per process."""

    def add(self, queries: Sequence[QueryEvent], opens: Sequence[OpenEvent]) -> None: ...

    def purge(self, before: float) -> int:
        """Delete events older than `before` (Unix seconds); returns how many went."""

    def queries(self, since: float) -> list[QueryEvent]:
        """Queries at or after `since`, oldest first."""

    def opens(self, since: float) -> list[OpenEvent]:
        """Opened results at or after `since`, oldest first."""
