"""Redis mode: folding the event stream of every API process into the search log, in batches.

Each batch is written, then acknowledged. A fold that dies between the two leaves its batch
pending; the next fold reclaims it and writes it again, and the search log, which keeps each
event id once, counts it once. Safe to run in several workers at once: the consumer group
hands each entry to one of them."""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import asdict, dataclass

from indexer.ports.analytics import EventStream, OpenEvent, QueryEvent, SearchLog

log = logging.getLogger(__name__)
DAY_S = 24 * 3600
BATCH = 500
# A fold ends after this many batches even if the API keeps adding: the next tick goes on.
MAX_BATCHES = 400


@dataclass(frozen=True)
class FoldReport:
    folded: int
    unreadable: int
    batches: int
    purged: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def consumer_name() -> str:
    """One consumer per worker process: what it read and did not acknowledge is its own."""
    return f"{socket.gethostname()}-{os.getpid()}"


class EventFold:
    def __init__(
        self,
        stream: EventStream,
        store: SearchLog,
        retention_days: int,
        batch: int = BATCH,
        max_batches: int = MAX_BATCHES,
    ) -> None:
        self._stream = stream
        self._store = store
        self._retention_s = retention_days * DAY_S
        self._batch = batch
        self._max_batches = max_batches

    def fold(self, consumer: str | None = None) -> FoldReport:
        """Every event in the stream into the search log; then the log's retention applied."""
        consumer = consumer or consumer_name()
        folded = unreadable = batches = 0
        while batches < self._max_batches:
            entries = self._stream.read(consumer, self._batch)
            if not entries:
                break
            batches += 1
            events = [e.event for e in entries if e.event is not None]
            unreadable += len(entries) - len(events)
            self._store.add(
                [e for e in events if isinstance(e, QueryEvent)],
                [e for e in events if isinstance(e, OpenEvent)],
            )
            self._stream.ack([e.entry_id for e in entries])
            folded += len(events)
        if unreadable:
            log.warning("analytics: %d unreadable stream entries dropped", unreadable)
        # Both are cheap, indexed: no reason to skip them on any tick.
        purged = self._store.purge(time.time() - self._retention_s)
        self._stream.forget_idle_consumers()
        return FoldReport(folded, unreadable, batches, purged)
