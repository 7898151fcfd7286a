"""The Celery tasks: each takes a job id and hands it to the runner. Nothing else lives here."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_postrun, task_prerun, worker_process_init

from indexer.bootstrap.log_setup import request_id
from indexer.errors import TransientError
from indexer.jobs.kinds import JOB_KINDS, JobKind, KindSpec
from tasks.runtime import jobs, runner

log = logging.getLogger(__name__)


class JobTask(Task):  # type: ignore[misc]  # Celery ships no types: Task is Any
    """Retries transient errors with exponential backoff; records every other end on the job."""

    autoretry_for = (TransientError,)
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True

    def on_retry(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        jobs().retrying(args[0], str(exc), None)

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        if isinstance(exc, SoftTimeLimitExceeded):
            reason = f"timed out after {self.soft_time_limit} s"
        elif isinstance(exc, TransientError):
            reason = f"gave up after {self.request.retries} retries: {exc}"
        else:
            reason = f"{type(exc).__name__}: {exc}"
        log.error("job %s failed: %s", args[0], reason)
        jobs().fail(args[0], reason)


def _load_services(**_: Any) -> None:
    """Load the model and index when a worker process starts, not on its first job."""
    runner()


def _bind_request_id(task: Task, **_: Any) -> None:
    """The job's log lines carry the id of the request that started it (a message header)."""
    headers = task.request.headers or {}
    request_id.set(getattr(task.request, "request_id", None) or headers.get("request_id"))


def _unbind_request_id(**_: Any) -> None:
    request_id.set(None)


# Connected by call rather than as decorators: Celery is untyped, and its decorator would
# leave these functions untyped for mypy.
worker_process_init.connect(_load_services)
task_prerun.connect(_bind_request_id)
task_postrun.connect(_unbind_request_id)


def _register(kind: JobKind, spec: KindSpec) -> Any:
    """One Celery task per row of the job-kinds table, named as the row says."""

    def run(self: JobTask, job_id: str) -> None:
        runner().run(job_id)

    run.__name__ = run.__qualname__ = f"run_{kind.value}_job"
    return shared_task(
        base=JobTask,
        name=spec.task,
        bind=True,
        soft_time_limit=spec.soft_limit_s,
        time_limit=spec.hard_limit_s,
    )(run)


TASKS = {kind: _register(kind, spec) for kind, spec in JOB_KINDS.items()}
