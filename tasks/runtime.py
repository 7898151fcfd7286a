"""Services for the tasks of one worker process, built once on first use."""

from __future__ import annotations

from functools import lru_cache

from indexer.bootstrap import build_jobs, build_runner
from indexer.config import Settings
from indexer.jobs.job_runner import JobRunner
from indexer.jobs.job_service import JobService
from tasks.celery_app import get_app
from tasks.queue import CeleryJobQueue


@lru_cache(maxsize=1)
def runner() -> JobRunner:
    """Loaded once per worker process (the model and the index are the expensive part)."""
    settings = Settings()
    if settings.worker_threads:
        # The embedder's thread count, for this process only: an indexing worker must not
        # take every core from the API's searches on the same machine.
        settings = settings.model_copy(update={"torch_threads": settings.worker_threads})
    return build_runner(settings, jobs())


@lru_cache(maxsize=1)
def jobs() -> JobService:
    return build_jobs(Settings(), CeleryJobQueue(get_app()))
