"""The Celery app, configured from Settings, and the per-process services a worker uses."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from celery import Celery
from celery.signals import setup_logging

from indexer.bootstrap.log_setup import configure_logging
from indexer.config import Settings
from indexer.jobs.kinds import JOB_KINDS

log = logging.getLogger(__name__)
# The periodic tasks' names (their bodies are in tasks/sync.py and tasks/analytics.py).
SYNC_TASK = "footnote.sync_due"
FOLD_TASK = "footnote.fold_analytics"


def make_celery(settings: Settings) -> Celery:
    app = Celery(
        "footnote",
        broker=settings.broker_url,
        include=["tasks.jobs", "tasks.sync", "tasks.analytics"],
    )
    longest = max(spec.hard_limit_s for spec in JOB_KINDS.values())
    app.conf.update(
        # A task is acknowledged only when it ends, and a worker that dies mid-task gives
        # it back: work is redelivered, never lost (tasks are idempotent for this).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue="answers",
        # A lost broker (Redis restarted) is reconnected to forever, at start and later on.
        broker_connection_retry_on_startup=True,
        broker_connection_retry=True,
        broker_connection_max_retries=None,
        # A task running when the broker went away finishes and records its result (the job
        # store reconnects by itself); its unacknowledged message, if redelivered, finds the
        # job finished and does nothing. Cancelling it would waste the work.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        # Each worker process loads the model at start; give it time before it counts as hung.
        worker_proc_alive_timeout=120,
        task_annotations={
            spec.task: {"max_retries": _or(spec.max_retries, settings.task_max_retries)}
            for spec in JOB_KINDS.values()
        },
    )
    # Beat's own state, beside the index rather than in whatever directory the worker runs in.
    app.conf.beat_schedule_filename = str(settings.data_dir / "celerybeat-schedule")
    app.conf.beat_schedule = beat_schedule(settings)
    if not settings.redis_url:
        # kombu's SQLAlchemy transport, polling without its one-second naps.
        from tasks.sqlite_broker import SqliteBrokerTransport

        app.conf.broker_transport = SqliteBrokerTransport
    else:
        # Redis redelivers unacknowledged messages after this; it must outlast any task.
        # Keepalive and a periodic health check find a connection that died without a word
        # (a Redis host rebooted), so the worker reconnects instead of waiting on it forever.
        app.conf.broker_transport_options = {
            "visibility_timeout": longest + 300,
            "socket_keepalive": True,
            "health_check_interval": 10,
        }
    return app


def beat_schedule(settings: Settings) -> dict[str, Any]:
    """The periodic tasks this deployment needs (`footnote worker --beat` runs them). A tick
    still queued when the next is sent is dropped, not piled up."""
    schedule: dict[str, Any] = {}
    if settings.sync_sources:
        tick = settings.sync_tick_s
        schedule["sync-sources"] = {
            "task": SYNC_TASK,
            "schedule": tick,
            "options": {"queue": "indexing", "expires": tick},
        }
    if settings.analytics_stream:
        every = settings.analytics_fold_every_s
        schedule["fold-analytics"] = {
            "task": FOLD_TASK,
            "schedule": every,
            # Milliseconds of work: on the answers queue, never behind an hour-long re-index.
            "options": {"queue": "answers", "expires": every},
        }
    return schedule


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


@lru_cache(maxsize=1)
def get_app() -> Celery:
    return make_celery(Settings())


def _configure_logging(loglevel: str | int | None = None, **_: Any) -> None:
    """A worker logs like the API (FOOTNOTE_LOG_FORMAT); connecting here stops Celery from
    installing its own handlers."""
    level = logging.getLevelName(loglevel) if isinstance(loglevel, int) else loglevel
    configure_logging(Settings().log_format, level or "INFO")


setup_logging.connect(_configure_logging)
