"""The Celery entry point: `celery -A tasks worker` (or `footnote worker`).

The app is built on first access from the environment's settings, never at import of the task
modules, so tests and the API can import task names without starting anything.
`tasks.processes` starts and stops worker and server processes (standard library only).
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in ("app", "celery"):
        from tasks.celery_app import get_app

        return get_app()
    raise AttributeError(name)
