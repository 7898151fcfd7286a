"""Services for the tasks of one worker process, built once on first use."""

from __future__ import annotations

from functools import lru_cache

from indexer.analytics.fold import EventFold
from indexer.bootstrap import Services, build, build_fold, build_jobs, build_runner, build_sync
from indexer.config import Settings
from indexer.jobs.job_runner import JobRunner
from indexer.jobs.job_service import JobService
from indexer.sync.sync_service import SyncService
from tasks.celery_app import get_app
from tasks.queue import CeleryJobQueue


@lru_cache(maxsize=1)
def settings() -> Settings:
    settings = Settings()
    if settings.worker_threads:
        # The embedder's thread count, for this process only: an indexing worker must not
        # take every core from the API's searches on the same machine.
        settings = settings.model_copy(update={"torch_threads": settings.worker_threads})
    return settings


@lru_cache(maxsize=1)
def services() -> Services:
    """Loaded once per worker process (the model and the index are the expensive part), and
    shared by the jobs and the sync."""
    return build(settings())


@lru_cache(maxsize=1)
def runner() -> JobRunner:
    return build_runner(settings(), jobs(), services())


@lru_cache(maxsize=1)
def jobs() -> JobService:
    return build_jobs(Settings(), CeleryJobQueue(get_app()))


@lru_cache(maxsize=1)
def sync() -> SyncService:
    return build_sync(settings(), services().indexing)


@lru_cache(maxsize=1)
def fold() -> EventFold | None:
    """The analytics fold (Redis mode); it needs neither the model nor the index."""
    return build_fold(settings())
