"""Submitting, following and cancelling jobs; and the worker's side of a job's life."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from indexer.errors import (
    IdempotencyKeyReused,
    JobCancelled,
    JobsUnavailable,
    NotFound,
    QueueFull,
    TransientError,
)
from indexer.jobs.idempotency import request_hash, scoped_key
from indexer.jobs.kinds import spec_of, validated
from indexer.jobs.records import Job, JobEvent
from indexer.ports import JobQueue, JobStore

WORKER_LOST = "the worker running this job stopped responding"


@dataclass(frozen=True)
class QueueLimit:
    """For a kind of job someone waits for: past `max_queued` waiting jobs a new one is
    refused, and one that waited `expire_after_s` is dropped unrun (`expired`)."""

    max_queued: int
    expire_after_s: float


class JobService:
    def __init__(
        self,
        store: JobStore,
        queue: JobQueue,
        public_text: Callable[[str], str] = str,
        limits: Mapping[str, QueueLimit] | None = None,
    ) -> None:
        self._store = store
        self._queue = queue
        # Errors are stored as clients will read them (no server paths); workers log them whole.
        self.public_text = public_text
        self._limits = dict(limits or {})
        bounded_editors = [kind for kind in self._limits if spec_of(kind).editors_only]
        if bounded_editors:
            raise ValueError(f"editors' jobs are never refused or dropped: {bounded_editors}")

    # --- clients --------------------------------------------------------------------------

    def submit(
        self,
        kind: str,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
        request_id: str | None = None,
        client: str | None = None,
    ) -> tuple[Job, bool]:
        """Create and enqueue a job. With an idempotency key this `client` used before for
        the same request, return that job instead (and False): a retried request never starts
        the work twice; for another request, raise IdempotencyKeyReused. A payload that its
        kind's schema refuses raises (InvalidQuery, InvalidArticle) and is never stored; a
        kind whose queue is full raises QueueFull."""
        payload = validated(kind, params)
        job = Job(
            id=uuid.uuid4().hex,
            kind=kind,
            params=payload.model_dump(mode="json"),
            request_id=request_id,
        )
        if idempotency_key:
            job.idempotency_key = scoped_key(idempotency_key, client)
            job.request_hash = request_hash(kind, job.params)
        try:
            if job.idempotency_key:
                earlier = self._store.job_for_key(job.idempotency_key)
                if earlier is not None:
                    return self._replayed(earlier, job), False
            self._check_room(kind)
            stored, created = self._store.create(job)
            if not created:  # the same key won a race between the look-up and here
                return self._replayed(stored, job), False
            self._store.add_event(job.id, "status", {"state": "queued"})
            self._enqueue(stored)
        except QueueFull:
            raise
        except TransientError as exc:
            raise JobsUnavailable(
                f"{kind} jobs cannot be accepted right now: the job store or queue is "
                f"unreachable ({exc}); try again in a few seconds"
            ) from exc
        return stored, True

    @staticmethod
    def _replayed(earlier: Job, retry: Job) -> Job:
        if earlier.request_hash != retry.request_hash:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request (another "
                "route or body); send a new key with a new request"
            )
        return earlier

    def _check_room(self, kind: str) -> None:
        limit = self._limits.get(kind)
        if limit is None:
            return
        waiting = self._store.count_queued(kind, time.time() - limit.expire_after_s)
        if waiting >= limit.max_queued:
            raise QueueFull(
                f"too many {kind} jobs are waiting ({waiting}, the limit is "
                f"{limit.max_queued}): try again in a few seconds"
            )

    def _enqueue(self, job: Job) -> None:
        try:
            self._queue.enqueue(job)
        except TransientError:
            # Stored but never queued: no worker would ever pick it up, so it must not look
            # "queued" to whoever polls it.
            self._finish(job.id, "failed", error="the job queue was unavailable; submit it again")
            raise

    def get(self, job_id: str) -> Job:
        job = self._store.get(job_id)
        if job is None:
            raise NotFound(f"no job with id {job_id!r}")
        if job.state == "running" and self._stale(job):
            self.fail(job.id, f"{WORKER_LOST} (attempt {job.attempts}); it will not finish")
            job = self._store.get(job_id) or job
        elif self._expire_if_too_old(job):
            job = self._store.get(job_id) or job
        return job

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if not job.terminal:
            self._finish(job_id, "cancelled", error="cancelled by a client")
        return self.get(job_id)

    def events(self, job_id: str, after: str | None = None) -> list[JobEvent]:
        return self._store.events(job_id, after)

    def recent(self, limit: int = 20) -> list[Job]:
        """The latest jobs, newest first; a running job whose worker was lost shows failed."""
        return [
            self.get(job.id) if job.state == "running" else job for job in self._store.recent(limit)
        ]

    def retry(self, job_id: str, request_id: str | None = None) -> tuple[Job, bool]:
        """Submit a finished job's work again, as a new job."""
        job = self.get(job_id)
        return self.submit(job.kind, job.params, None, request_id)

    # --- workers --------------------------------------------------------------------------

    def start(self, job_id: str) -> Job | None:
        """Mark a delivered job running. None when there is nothing to do: it finished or
        was cancelled already (a redelivered message is harmless)."""
        job = self._store.get(job_id)
        if job is None or job.state in ("succeeded", "cancelled", "expired"):
            return None
        if self._expire_if_too_old(job):
            return None
        if job.state == "failed" and not (job.error or "").startswith(WORKER_LOST):
            return None
        now = time.time()
        self._store.update(
            job_id,
            state="running",
            attempts=job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            error=None,
            done=0,
        )
        self._store.add_event(job_id, "status", {"state": "running", "attempt": job.attempts + 1})
        return self._store.get(job_id)

    def progress(self, job_id: str, done: int, total: int, phase: str) -> None:
        """Record progress, and stop the work if a client cancelled it."""
        job = self._store.get(job_id)
        if job is not None and job.state == "cancelled":
            raise JobCancelled(f"job {job_id} was cancelled")
        self._store.update(job_id, done=done, total=total, heartbeat_at=time.time())
        self._store.add_event(job_id, "progress", {"phase": phase, "done": done, "total": total})

    def token(self, job_id: str, text: str) -> None:
        self._store.add_event(job_id, "token", {"text": text})

    def is_cancelled(self, job_id: str) -> bool:
        job = self._store.get(job_id)
        return job is not None and job.state == "cancelled"

    def succeed(self, job_id: str, result: dict[str, Any]) -> None:
        self._finish(job_id, "succeeded", result=result)

    def fail(self, job_id: str, reason: str) -> None:
        self._finish(job_id, "failed", error=reason)

    def retrying(self, job_id: str, reason: str, delay_s: float | None) -> None:
        error = f"retrying: {self.public_text(reason)}"
        self._store.update(job_id, state="queued", error=error)
        self._store.add_event(job_id, "status", {"state": "queued", "retry_in_s": delay_s})

    def _finish(self, job_id: str, state: str, **fields: Any) -> None:
        if fields.get("error"):
            fields["error"] = self.public_text(fields["error"])
        self._store.update(job_id, state=state, finished_at=time.time(), **fields)
        event: dict[str, Any] = {"state": state}
        if fields.get("error"):
            event["error"] = fields["error"]
        self._store.add_event(job_id, "status", event)

    def _expire_if_too_old(self, job: Job) -> bool:
        """End a queued job nobody waits for any more: its reader gave up long ago, and
        answering it would only delay the questions behind it."""
        limit = self._limits.get(job.kind)
        waited = time.time() - job.created_at
        if limit is None or job.state != "queued" or waited <= limit.expire_after_s:
            return False
        self._finish(
            job.id,
            "expired",
            error=f"waited {waited:.0f} s in the queue, longer than the "
            f"{limit.expire_after_s:.0f} s a reader waits; ask again",
        )
        return True

    @staticmethod
    def _stale(job: Job) -> bool:
        last = job.heartbeat_at or job.started_at or job.created_at
        return time.time() - last > spec_of(job.kind).stale_after_s
