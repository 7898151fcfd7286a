"""Wiring of the job side: the job store, the answer cache and a worker's job runner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.config import Settings
from indexer.ports import AnswerCache, JobQueue, JobStore
from indexer.server_paths import ServerPaths

if TYPE_CHECKING:
    from redis import Redis

    from indexer.bootstrap.services import Services
    from indexer.jobs.job_runner import JobRunner
    from indexer.jobs.job_service import JobService


def build_jobs(settings: Settings, queue: JobQueue) -> JobService:
    """The job service over the configured store: Redis when set, else SQLite in the data dir."""
    from indexer.jobs.job_service import JobService, QueueLimit
    from indexer.jobs.kinds import JobKind

    # Only readers' questions are bounded: an editor's change is never refused or dropped.
    ask = QueueLimit(settings.max_queued_ask, settings.ask_expire_after_s)
    return JobService(
        job_store(settings), queue, ServerPaths.of(settings).hide, limits={JobKind.ASK: ask}
    )


def job_store(settings: Settings) -> JobStore:
    if settings.redis_url:
        from indexer.adapters.redis_jobs import RedisJobStore

        return RedisJobStore(_redis(settings.redis_url))
    from indexer.adapters.sqlite_jobs import SqliteJobStore

    return SqliteJobStore(settings.data_dir / "jobs.sqlite")


def answer_cache(settings: Settings) -> AnswerCache:
    if settings.redis_url:
        from indexer.adapters.redis_cache import RedisAnswerCache

        return RedisAnswerCache(_redis(settings.redis_url), settings.answer_cache_ttl_s)
    from indexer.answering.answer_cache import InMemoryAnswerCache

    return InMemoryAnswerCache(settings.answer_cache_ttl_s)


def _redis(url: str) -> Redis:
    from redis import Redis

    # Short timeouts: a Redis outage must turn into a quick 503, not a hung request.
    return Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=15)


def build_runner(
    settings: Settings, jobs: JobService, services: Services | None = None
) -> JobRunner:
    """A worker process's runner: the services loaded once (the model and the index are the
    expensive part; pass them to share them with the process's other tasks), the job service
    over the configured store."""
    from indexer.bootstrap.analytics import build_recorder
    from indexer.bootstrap.services import build
    from indexer.jobs.handlers import WorkerServices
    from indexer.jobs.job_runner import JobRunner

    services = services or build(settings)
    return JobRunner(
        WorkerServices(
            jobs=jobs,
            store=services.store,
            indexing=services.indexing,
            answers=services.answers,
            cache=answer_cache(settings),
            source_dir=settings.source_dir,
            recorder=build_recorder(settings, background=False),
        )
    )
