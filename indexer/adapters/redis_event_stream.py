"""EventStream on Redis: one stream entry per event, appended by every API process (XADD,
bounded by MAXLEN ~), read by the fold through one consumer group (XREADGROUP), entries of a
consumer that died reclaimed (XAUTOCLAIM), and acknowledged (XACK) once the search log holds
them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import redis

from indexer.ports.analytics import Event, OpenEvent, QueryEvent, StreamEntry

STREAM = "footnote:analytics:events"
GROUP = "fold"
# An entry read this long ago and never acknowledged belongs to a fold that died: a fold takes
# milliseconds per batch, and its task is killed after a few minutes at most.
CLAIM_IDLE_MS = 5 * 60_000
# A consumer (one per worker process) idle this long with nothing pending is gone.
FORGET_IDLE_MS = 24 * 3600_000


class RedisEventStream:
    def __init__(
        self,
        client: redis.Redis,
        max_len: int,
        stream: str = STREAM,
        group: str = GROUP,
        claim_idle_ms: int = CLAIM_IDLE_MS,
    ) -> None:
        self._redis = client
        self._max_len = max_len
        self._stream = stream
        self._group = group
        self._claim_idle_ms = claim_idle_ms

    def add(self, queries: Sequence[QueryEvent], opens: Sequence[OpenEvent]) -> None:
        events: list[Event] = [*queries, *opens]
        if not events:
            return
        pipe = self._redis.pipeline(transaction=False)
        for event in events:
            # Approximate trimming: Redis cuts whole nodes, in O(1), when it is cheap.
            pipe.xadd(self._stream, {"e": _encode(event)}, maxlen=self._max_len, approximate=True)
        pipe.execute()

    def purge(self, before: float) -> int:
        """Entries past retention, were the fold stopped that long (ids begin with the ms)."""
        return int(self._redis.xtrim(self._stream, minid=int(before * 1000), approximate=True))

    def read(self, consumer: str, count: int) -> list[StreamEntry]:
        self._ensure_group()
        reply: Any = self._redis.xautoclaim(
            self._stream, self._group, consumer, self._claim_idle_ms, "0-0", count=count
        )
        raw: list[Any] = list(reply[1])
        if len(raw) < count:
            fresh: Any = self._redis.xreadgroup(
                self._group, consumer, {self._stream: ">"}, count=count - len(raw)
            )
            for _, entries in fresh or []:
                raw.extend(entries)
        # Fields are None for an entry trimmed away while pending: acknowledged as unreadable.
        return [_entry(entry_id, fields or {}) for entry_id, fields in raw]

    def ack(self, entry_ids: Sequence[str]) -> None:
        if entry_ids:
            self._redis.xack(self._stream, self._group, *entry_ids)

    def forget_idle_consumers(self) -> int:
        self._ensure_group()
        gone = 0
        for consumer in self._redis.xinfo_consumers(self._stream, self._group):
            if consumer["pending"] == 0 and consumer["idle"] > FORGET_IDLE_MS:
                gone += int(
                    self._redis.xgroup_delconsumer(self._stream, self._group, consumer["name"])
                )
        return gone

    def _ensure_group(self) -> None:
        """The group, made on first use from the stream's start (events the API processes
        added before any worker ran are folded too); again after Redis lost its data."""
        try:
            self._redis.xgroup_create(self._stream, self._group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise


def _encode(event: Event) -> str:
    if isinstance(event, QueryEvent):
        return json.dumps(
            {
                "type": "query",
                "event_id": event.event_id,
                "query_id": event.query_id,
                "kind": event.kind,
                "text": event.text,
                "mode": event.mode,
                "results": event.results,
                "best_score": event.best_score,
                "at": event.at,
                "filters": dict(event.filters),
                "answered": event.answered,
            }
        )
    return json.dumps(
        {
            "type": "open",
            "event_id": event.event_id,
            "query_id": event.query_id,
            "article_id": event.article_id,
            "at": event.at,
        }
    )


def _entry(entry_id: bytes | str, fields: dict[Any, Any]) -> StreamEntry:
    key = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    raw: Any = fields.get(b"e", fields.get("e"))
    try:
        return StreamEntry(key, _decode(json.loads(raw)))
    except (TypeError, ValueError, KeyError):
        return StreamEntry(key, None)


def _decode(data: dict[str, Any]) -> Event:
    if data["type"] == "open":
        return OpenEvent(
            query_id=str(data["query_id"]),
            article_id=str(data["article_id"]),
            at=float(data["at"]),
            event_id=str(data["event_id"]),
        )
    if data["type"] != "query" or data["kind"] not in ("search", "ask"):
        raise ValueError(f"not an event: {data!r}")
    return QueryEvent(
        query_id=str(data["query_id"]),
        kind=data["kind"],
        text=str(data["text"]),
        mode=str(data["mode"]),
        results=int(data["results"]),
        best_score=None if data["best_score"] is None else float(data["best_score"]),
        at=float(data["at"]),
        filters=dict(data["filters"]),
        answered=None if data["answered"] is None else bool(data["answered"]),
        event_id=str(data["event_id"]),
    )
