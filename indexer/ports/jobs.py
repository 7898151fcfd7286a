"""Ports of jobs: where job records live, how a job reaches a worker, where progress goes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from indexer.jobs.records import Job, JobEvent


class JobStore(Protocol):
    """Shared job records and their event logs."""

    def create(self, job: Job) -> tuple[Job, bool]:
        """Store `job`; with an idempotency key already used, return that job and False."""

    def get(self, job_id: str) -> Job | None: ...

    def job_for_key(self, idempotency_key: str) -> Job | None:
        """The job an idempotency key was used for, if it still exists."""

    def count_queued(self, kind: str, since: float) -> int:
        """Jobs of `kind` in state `queued` created at `since` (epoch seconds) or later. Kept
        by `create` and `update` as states change, so counting costs no scan of every job."""

    def update(self, job_id: str, **fields: Any) -> None:
        """Set fields of a job (state, done, total, error, result, timestamps...)."""

    def add_event(self, job_id: str, kind: str, data: Mapping[str, Any]) -> str:
        """Append to the job's event log; returns the event id (increasing)."""

    def events(self, job_id: str, after: str | None = None, limit: int = 500) -> list[JobEvent]:
        """Events after the id `after`, oldest first: all of them when `after` is None or is
        not an id this store could have issued (a client's Last-Event-ID is untrusted)."""

    def recent(self, limit: int = 20) -> list[Job]:
        """The latest jobs created, newest first (the editors' dashboard)."""

    def ping(self) -> None:
        """Raise TransientError when the store cannot be reached."""


class JobQueue(Protocol):
    """Hands a job to a worker, by task name: the caller never imports task bodies."""

    def enqueue(self, job: Job) -> None: ...


class Progress(Protocol):
    """Where long work reports how far it got. The CLI draws a bar; tasks update job state."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class NoProgress:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass
