"""What a worker does with a job id: start it, run its kind's handler, record how it ended."""

from __future__ import annotations

import logging

from indexer.errors import FootnoteError, JobCancelled, TransientError
from indexer.jobs.handlers import WorkerServices
from indexer.jobs.kinds import spec_of, validated

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(self, services: WorkerServices) -> None:
        self._services = services
        self._jobs = services.jobs

    def run(self, job_id: str) -> None:
        """Run one delivered job to its end. Transient errors propagate (the task retries);
        any other error of ours fails the job with its reason."""
        job = self._jobs.start(job_id)
        if job is None:
            log.info("job %s needs no work (finished, cancelled or unknown)", job_id)
            return
        try:
            payload = validated(job.kind, job.params)
            result = spec_of(job.kind).handler(self._services, job, payload)
        except JobCancelled:
            log.info("job %s cancelled while running", job_id)
            return
        except TransientError:
            raise
        except FootnoteError as exc:
            log.warning("job %s failed: %s", job_id, exc)  # in full: the stored error hides paths
            self._jobs.fail(job_id, str(exc))
            return
        self._jobs.succeed(job_id, result)
