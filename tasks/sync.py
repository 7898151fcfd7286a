"""The periodic sync task: Celery beat sends it every `Settings.sync_tick_s`, and it polls the
sources that are due. Not a job: the sync state records each run, and a missed tick is simply
the next one's work."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tasks.celery_app import SYNC_TASK
from tasks.runtime import settings, sync


def sync_due() -> dict[str, Any]:
    """Poll every due source; each run is recorded whatever its outcome."""
    runs = sync().poll_due(slack_s=settings().sync_tick_s / 2)
    return {"runs": [run.as_dict() for run in runs]}


# Acknowledged early and limited in time: a tick lost with its worker is redone by the next,
# and a poll stuck past the limit must not hold the indexing queue.
TASK = shared_task(
    name=SYNC_TASK, acks_late=False, ignore_result=True, soft_time_limit=840, time_limit=900
)(sync_due)
