"""The JobQueue port over Celery: jobs are sent by task name, never by importing bodies."""

from __future__ import annotations

from celery import Celery
from kombu.exceptions import OperationalError

from indexer.errors import TransientError
from indexer.jobs.kinds import spec_of
from indexer.jobs.records import Job


class CeleryJobQueue:
    def __init__(self, app: Celery) -> None:
        self._app = app

    def enqueue(self, job: Job) -> None:
        spec = spec_of(job.kind)
        try:
            self._app.send_task(
                spec.task,
                args=[job.id],
                queue=spec.queue,
                headers={"request_id": job.request_id} if job.request_id else None,
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
            )
        except OperationalError as exc:
            raise TransientError(f"the job queue is unavailable: {exc}") from exc
