"""The Celery app, configured from Settings, and the per-process services a worker uses."""

from __future__ import annotations

import logging
from functools import lru_cache

from celery import Celery

from indexer.config import Settings
from tasks.names import TIME_LIMITS

log = logging.getLogger(__name__)


def make_celery(settings: Settings) -> Celery:
    app = Celery("footnote", broker=settings.broker_url, include=["tasks.jobs"])
    longest = max(hard for _, hard in TIME_LIMITS.values())
    app.conf.update(
        # A task is acknowledged only when it ends, and a worker that dies mid-task gives
        # it back: work is redelivered, never lost (tasks are idempotent for this).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue="answers",
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        # Each worker process loads the model at start; give it time before it counts as hung.
        worker_proc_alive_timeout=120,
        task_annotations={"*": {"max_retries": settings.task_max_retries}},
    )
    if settings.redis_url:
        # Redis redelivers unacknowledged messages after this; it must outlast any task.
        app.conf.broker_transport_options = {"visibility_timeout": longest + 300}
    return app


@lru_cache(maxsize=1)
def get_app() -> Celery:
    return make_celery(Settings())
