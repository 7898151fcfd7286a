"""The periodic fold of the analytics stream (Redis mode): Celery beat sends it every
FOOTNOTE_ANALYTICS_FOLD_EVERY_S, and it can be sent on demand (`footnote report fold` folds
in its own process). Not a job: a tick lost with its worker leaves the events in the stream,
and the next tick folds them."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tasks.celery_app import FOLD_TASK
from tasks.runtime import fold


def fold_events() -> dict[str, Any]:
    """Every event the API processes added, into the search log; nothing without Redis mode."""
    folder = fold()
    if folder is None:
        return {"folded": 0, "skipped": "analytics off, or not in Redis mode"}
    return folder.fold().as_dict()


# Acknowledged early: a fold that dies leaves its batch pending in the stream, where the next
# one reclaims it; redelivering the message would add nothing.
TASK = shared_task(
    name=FOLD_TASK, acks_late=False, ignore_result=True, soft_time_limit=240, time_limit=300
)(fold_events)
