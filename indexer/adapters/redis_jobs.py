"""JobStore on Redis: a JSON record per job and a Redis Stream of its events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import redis

from indexer.errors import TransientError
from indexer.jobs import Job, JobEvent

# Finished jobs and their events expire: a week is plenty for clients to fetch a result.
TTL_S = 7 * 24 * 3600


class RedisJobStore:
    def __init__(self, client: redis.Redis, prefix: str = "footnote") -> None:
        self._redis = client
        self._prefix = prefix

    def _job_key(self, job_id: str) -> str:
        return f"{self._prefix}:job:{job_id}"

    def _events_key(self, job_id: str) -> str:
        return f"{self._prefix}:job:{job_id}:events"

    def create(self, job: Job) -> tuple[Job, bool]:
        try:
            if job.idempotency_key:
                key = f"{self._prefix}:idem:{job.idempotency_key}"
                # NX makes the first request win atomically; EX lets old keys expire by themselves.
                if not self._redis.set(key, job.id, nx=True, ex=TTL_S):
                    existing_id = self._redis.get(key)
                    existing = self.get(_text(existing_id)) if existing_id else None
                    if existing is not None:
                        return existing, False
                    self._redis.set(key, job.id, ex=TTL_S)
            self._redis.set(self._job_key(job.id), json.dumps(job.__dict__), ex=TTL_S)
        except redis.RedisError as exc:
            raise TransientError(f"Redis is unavailable: {exc}") from exc
        return job, True

    def get(self, job_id: str) -> Job | None:
        try:
            raw = self._redis.get(self._job_key(job_id))
        except redis.RedisError as exc:
            raise TransientError(f"Redis is unavailable: {exc}") from exc
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

        try:
            # WATCH/MULTI: a concurrent update (progress vs cancel) is retried, never lost.
            self._redis.transaction(apply, key)
        except redis.RedisError as exc:
            raise TransientError(f"Redis is unavailable: {exc}") from exc

    def add_event(self, job_id: str, kind: str, data: Mapping[str, Any]) -> str:
        key = self._events_key(job_id)
        try:
            event_id = self._redis.xadd(key, {"kind": kind, "data": json.dumps(dict(data))})
            self._redis.expire(key, TTL_S)
        except redis.RedisError as exc:
            raise TransientError(f"Redis is unavailable: {exc}") from exc
        return _text(event_id)

    def events(self, job_id: str, after: str | None = None, limit: int = 500) -> list[JobEvent]:
        start = f"({after}" if after else "-"
        try:
            rows = self._redis.xrange(self._events_key(job_id), min=start, max="+", count=limit)
        except redis.ResponseError:
            rows = []  # a malformed Last-Event-ID: start from the beginning is the safe reading
            if after:
                return self.events(job_id, None, limit)
        except redis.RedisError as exc:
            raise TransientError(f"Redis is unavailable: {exc}") from exc
        events = []
        for event_id, fields in rows or []:
            assert event_id is not None and fields is not None
            events.append(
                JobEvent(_text(event_id), _text(fields[b"kind"]), json.loads(fields[b"data"]))
            )
        return events

    def ping(self) -> None:
        try:
            self._redis.ping()
        except redis.RedisError as exc:
            raise TransientError(f"Redis is unavailable: {exc}") from exc


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
