"""What becomes of a job whose whole worker was SIGKILLed, and of a job that was never queued.

tests/integration/test_worker_jobs.py kills a worker's pool process mid re-index (the job is
redelivered and succeeds on attempt 2, the index passes the check) and the whole worker (the
index passes the check, a new re-index succeeds). It does not follow the killed job itself:
with nobody left to redeliver it soon (Redis gives an unacknowledged message back only after
the visibility timeout), the job must not stay "running" for ever. These pin down that it is
marked failed once silent past its time limit, and that a later redelivery still runs it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.errors import JobsUnavailable, TransientError
from indexer.jobs.job_service import WORKER_LOST, JobService
from indexer.jobs.kinds import JOB_KINDS, JobKind
from indexer.jobs.records import Job
from tests.fakes import RecordingJobQueue


def test_a_job_whose_worker_died_is_failed_once_silent_and_a_redelivery_still_runs_it(
    tmp_path: Path,
) -> None:
    store = SqliteJobStore(tmp_path / "jobs.sqlite")
    jobs = JobService(store, RecordingJobQueue())
    job, _ = jobs.submit("reindex", {})
    assert jobs.start(job.id) is not None  # the worker took it, then died without a word
    assert jobs.get(job.id).state == "running"

    silent_since = time.time() - JOB_KINDS[JobKind.REINDEX].stale_after_s - 1
    store.update(job.id, heartbeat_at=silent_since, started_at=silent_since)
    lost = jobs.get(job.id)
    assert lost.state == "failed" and (lost.error or "").startswith(WORKER_LOST)

    redelivered = jobs.start(job.id)
    assert redelivered is not None and redelivered.attempts == 2
    jobs.succeed(job.id, {"added": 0})
    assert jobs.get(job.id).state == "succeeded"
    assert jobs.start(job.id) is None, "a finished job is not run again"


class DeadQueue:
    def enqueue(self, job: Job) -> None:
        raise TransientError("the job queue is unavailable: connection refused")


def test_a_job_stored_but_never_queued_is_failed_and_the_client_told_to_retry(
    tmp_path: Path,
) -> None:
    store = SqliteJobStore(tmp_path / "jobs.sqlite")
    with pytest.raises(JobsUnavailable, match="try again") as refused:
        JobService(store, DeadQueue()).submit("ask", {"question": "q"}, idempotency_key="k1")
    assert "connection refused" in str(refused.value)
    # The same request again (same Idempotency-Key) finds the job, failed with the reason.
    replayed, created = JobService(store, RecordingJobQueue()).submit(
        "ask", {"question": "q"}, idempotency_key="k1"
    )
    assert not created
    assert replayed.state == "failed" and "queue was unavailable" in (replayed.error or "")
