"""JobStore on Redis: a JSON record per job and a Redis Stream of its events.

Every Redis error leaves as `TransientError` (the API answers 503, a task retries). Nothing
needs resetting after a Redis restart: redis-py's pool replaces a connection the server closed
when it is next checked out, so the first call after Redis comes back succeeds (tested in
tests/faults/test_redis_outage.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import redis

from indexer.errors import TransientError
from indexer.jobs.records import Job, JobEvent

# Finished jobs and their events expire: a week is plenty for clients to fetch a result.
TTL_S = 7 * 24 * 3600
RECENT_KEPT = 200
_STREAM_ID = re.compile(r"[0-9]{1,20}(-[0-9]{1,20})?")
T = TypeVar("T")


class RedisJobStore:
    def __init__(self, client: redis.Redis, prefix: str = "footnote") -> None:
        self._redis = client
        self._prefix = prefix

    def _job_key(self, job_id: str) -> str:
        return f"{self._prefix}:job:{job_id}"

    def _events_key(self, job_id: str) -> str:
        return f"{self._prefix}:job:{job_id}:events"

    def _idem_key(self, idempotency_key: str) -> str:
        return f"{self._prefix}:idem:{idempotency_key}"

    def _queued_key(self, kind: str) -> str:
        """A sorted set of the kind's queued jobs, scored by creation time."""
        return f"{self._prefix}:queued:{kind}"

    def _call(self, command: Callable[[], T]) -> T:
        try:
            return command()
        except redis.RedisError as exc:
            raise TransientError(f"Redis is unavailable: {exc}") from exc

    def create(self, job: Job) -> tuple[Job, bool]:
        return self._call(lambda: self._create(job))

    def _create(self, job: Job) -> tuple[Job, bool]:
        if job.idempotency_key:
            key = self._idem_key(job.idempotency_key)
            # NX makes the first request win atomically; EX lets old keys expire by themselves.
            if not self._redis.set(key, job.id, nx=True, ex=TTL_S):
                existing_id = self._redis.get(key)
                existing = self.get(_text(existing_id)) if existing_id else None
                if existing is not None:
                    return existing, False
                self._redis.set(key, job.id, ex=TTL_S)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._job_key(job.id), json.dumps(job.__dict__), ex=TTL_S)
            # The newest ids, for the dashboard; trimmed so the set stays small.
            pipe.zadd(self._recent_key, {job.id: job.created_at})
            pipe.zremrangebyrank(self._recent_key, 0, -RECENT_KEPT - 1)
            self._track_queued(pipe, job.__dict__)
            pipe.execute()
        return job, True

    def job_for_key(self, idempotency_key: str) -> Job | None:
        job_id = self._call(lambda: self._redis.get(self._idem_key(idempotency_key)))
        return None if job_id is None else self.get(_text(job_id))

    def count_queued(self, kind: str, since: float) -> int:
        return int(self._call(lambda: self._redis.zcount(self._queued_key(kind), since, "+inf")))

    def _track_queued(self, pipe: Any, job: Mapping[str, Any]) -> None:
        """Queued into the pipeline: the queued-jobs set follows the job's state. Entries of
        jobs that never leave `queued` (their message lost) age out of every count, and the
        set itself expires when no job of the kind is queued for a week."""
        key = self._queued_key(job["kind"])
        if job["state"] == "queued":
            pipe.zadd(key, {job["id"]: job["created_at"]})
            pipe.expire(key, TTL_S)
        else:
            pipe.zrem(key, job["id"])

    @property
    def _recent_key(self) -> str:
        return f"{self._prefix}:jobs:recent"

    def recent(self, limit: int = 20) -> list[Job]:
        def read() -> list[Job]:
            ids = cast(list[bytes], self._redis.zrevrange(self._recent_key, 0, limit - 1))
            if not ids:
                return []
            raws = self._redis.mget([self._job_key(_text(i)) for i in ids])
            return [Job(**json.loads(raw)) for raw in raws if raw is not None]

        return self._call(read)

    def get(self, job_id: str) -> Job | None:
        raw = self._call(lambda: self._redis.get(self._job_key(job_id)))
        return None if raw is None else Job(**json.loads(raw))

    def update(self, job_id: str, **fields: Any) -> None:
        key = self._job_key(job_id)

        def apply(pipe: Any) -> None:
            raw = pipe.get(key)
            if raw is None:
                return
            data = json.loads(raw)
            data.update(fields)
            pipe.multi()
            pipe.set(key, json.dumps(data), ex=TTL_S)
            if "state" in fields:
                self._track_queued(pipe, data)

        # WATCH/MULTI: a concurrent update (progress vs cancel) is retried, never lost.
        self._call(lambda: self._redis.transaction(apply, key))

    def add_event(self, job_id: str, kind: str, data: Mapping[str, Any]) -> str:
        key = self._events_key(job_id)
        fields = {"kind": kind, "data": json.dumps(dict(data))}

        def append() -> Any:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.xadd(key, fields)  # type: ignore[arg-type]
                pipe.expire(key, TTL_S)
                return pipe.execute()[0]

        return _text(self._call(append))

    def events(self, job_id: str, after: str | None = None, limit: int = 500) -> list[JobEvent]:
        start = f"({after}" if after and _stream_id(after) else "-"
        try:
            rows = self._call(
                lambda: self._redis.xrange(
                    self._events_key(job_id), min=start, max="+", count=limit
                )
            )
        except TransientError as exc:
            if not (after and isinstance(exc.__cause__, redis.ResponseError)):
                raise
            # A malformed Last-Event-ID: starting from the beginning is the safe reading.
            return self.events(job_id, None, limit)
        events = []
        for event_id, fields in rows or []:
            assert event_id is not None and fields is not None
            events.append(
                JobEvent(_text(event_id), _text(fields[b"kind"]), json.loads(fields[b"data"]))
            )
        return events

    def ping(self) -> None:
        self._call(self._redis.ping)


def _stream_id(value: str) -> bool:
    """Whether `value` is a Redis stream id (`ms-seq`, each part an unsigned 64-bit number).
    ASCII digits only: a Unicode digit class would also take '²' or '٣'."""
    match = _STREAM_ID.fullmatch(value)
    return match is not None and all(int(part) < 2**64 for part in value.split("-"))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
