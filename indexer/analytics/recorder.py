"""Recording events without slowing a search: the request only puts the event on a bounded
in-process queue; one background thread writes batches to the sink (the SearchLog, or in Redis
mode the stream a worker folds into it). A full queue or a failing sink (Redis down) drops
events and counts them, and never raises into the request."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Protocol

from indexer.ports.analytics import EventSink, OpenEvent, QueryEvent, SearchLog

log = logging.getLogger(__name__)
DAY_S = 24 * 3600
# Purging is a cheap indexed delete, but there is no reason to run it on every batch.
PURGE_EVERY_S = 3600.0
# A sink that stays down fails every batch: one log line per this many seconds says so.
LOG_DROPS_EVERY_S = 60.0


class Recorder(Protocol):
    dropped: int

    def record(self, event: QueryEvent | OpenEvent) -> None:
        """Never blocks for long, never raises."""

    def close(self) -> None: ...


class NoRecorder:
    """FOOTNOTE_ANALYTICS=false: nothing is kept."""

    dropped = 0

    def record(self, event: QueryEvent | OpenEvent) -> None:
        pass

    def close(self) -> None:
        pass


class QueuedRecorder:
    def __init__(
        self, store: EventSink, retention_days: int, capacity: int = 10_000, batch: int = 500
    ) -> None:
        self._store = store
        self._retention_s = retention_days * DAY_S
        self._queue: queue.Queue[QueryEvent | OpenEvent | None] = queue.Queue(capacity)
        self._batch = batch
        self._purged_at = 0.0
        self._logged_at = -LOG_DROPS_EVERY_S
        self._unlogged = 0
        self.dropped = 0
        self.written = 0
        self._thread = threading.Thread(target=self._run, name="analytics", daemon=True)
        self._thread.start()

    def record(self, event: QueryEvent | OpenEvent) -> None:
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1

    def close(self, timeout_s: float = 5.0) -> None:
        """Write what is queued, then stop the writer."""
        try:
            self._queue.put(None, timeout=timeout_s)
        except queue.Full:
            return
        self._thread.join(timeout_s)

    def flush(self, timeout_s: float = 5.0) -> None:
        """Wait until everything recorded so far is written (tests, shutdown)."""
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _run(self) -> None:
        self._purge()
        while True:
            first = self._queue.get()
            events = [first]
            while len(events) < self._batch:
                try:
                    events.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = None in events
            self._write([e for e in events if e is not None])
            for _ in events:
                self._queue.task_done()
            if stop:
                return

    def _write(self, events: list[QueryEvent | OpenEvent]) -> None:
        queries = [e for e in events if isinstance(e, QueryEvent)]
        opens = [e for e in events if isinstance(e, OpenEvent)]
        try:
            if events:
                self._store.add(queries, opens)
                self.written += len(events)
            if time.monotonic() - self._purged_at > PURGE_EVERY_S:
                self._purge()
        except Exception as exc:  # a broken store costs events, never the writer thread
            self.dropped += len(events)
            self._unlogged += len(events)
            if time.monotonic() - self._logged_at >= LOG_DROPS_EVERY_S:
                self._logged_at = time.monotonic()
                log.warning("analytics: %d events dropped: %s", self._unlogged, exc)
                self._unlogged = 0

    def _purge(self) -> None:
        self._purged_at = time.monotonic()
        try:
            gone = self._store.purge(time.time() - self._retention_s)
        except Exception as exc:
            log.warning("analytics: purge failed: %s", exc)
            return
        if gone:
            log.info("analytics: %d events past retention purged", gone)


class DirectRecorder:
    """For a worker, where the answer already took far longer than one insert: writes at once."""

    def __init__(self, store: SearchLog) -> None:
        self._store = store
        self.dropped = 0

    def record(self, event: QueryEvent | OpenEvent) -> None:
        try:
            if isinstance(event, QueryEvent):
                self._store.add([event], [])
            else:
                self._store.add([], [event])
        except Exception as exc:
            self.dropped += 1
            log.warning("analytics: event dropped: %s", exc)

    def close(self) -> None:
        pass
