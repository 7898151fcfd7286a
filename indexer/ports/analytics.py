"""The port of reader analytics: where searches, questions and opened results are kept."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

QueryKind = Literal["search", "ask"]


def new_event_id() -> str:
    return uuid.uuid4().hex


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
    # Unique per event, so that a store given one event twice (a fold redone after a crash)
    # keeps it once.
    event_id: str = field(default_factory=new_event_id)


@dataclass(frozen=True)
class OpenEvent:
    """A reader opened `article_id` from the results of `query_id`."""

    query_id: str
    article_id: str
    at: float
    event_id: str = field(default_factory=new_event_id)


Event = QueryEvent | OpenEvent


class EventSink(Protocol):
    """Where a process's recorder writes its batches: the search log itself, or (Redis mode)
    the stream a worker folds into it."""

    def add(self, queries: Sequence[QueryEvent], opens: Sequence[OpenEvent]) -> None:
        """Keep every event; one whose event id is already kept is not kept twice."""

    def purge(self, before: float) -> int:
        """Delete events older than `before` (Unix seconds); returns how many went."""


class SearchLog(EventSink, Protocol):
    """Recorded events, which the reports read."""

    def queries(self, since: float) -> list[QueryEvent]:
        """Queries at or after `since`, oldest first."""

    def opens(self, since: float) -> list[OpenEvent]:
        """Opened results at or after `since`, oldest first."""


@dataclass(frozen=True)
class StreamEntry:
    """An event read from the stream, with the id the stream acknowledges it by; `event` is
    None when the entry could not be read back (it is acknowledged and dropped)."""

    entry_id: str
    event: Event | None


class EventStream(EventSink, Protocol):
    """Redis mode: the events of every API process, until a worker folds them into the search
    log. Entries read but not acknowledged stay pending, and are read again."""

    def read(self, consumer: str, count: int) -> list[StreamEntry]:
        """Up to `count` entries for `consumer`: first those another consumer read and has not
        acknowledged for a while (it died), then new ones."""

    def ack(self, entry_ids: Sequence[str]) -> None: ...

    def forget_idle_consumers(self) -> int:
        """Drop consumers that hold nothing and have been idle long; returns how many."""
