"""The core's Progress port, reporting into a job."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.jobs.job_service import JobService


class JobProgress:
    """The core's Progress port, reporting into a job (throttled: a store write per 0.25 s)."""

    def __init__(self, jobs: JobService, job_id: str, every_s: float = 0.25) -> None:
        self._jobs = jobs
        self._job_id = job_id
        self._every_s = every_s
        self._phase = ""
        self._done = 0
        self._total = 0
        self._last = 0.0

    def start(self, phase: str, total: int) -> None:
        self._phase, self._done, self._total = phase, 0, total
        self._report(force=True)

    def advance(self, amount: int = 1) -> None:
        self._done += amount
        self._report(force=self._done >= self._total)

    def _report(self, force: bool) -> None:
        now = time.monotonic()
        if force or now - self._last >= self._every_s:
            self._last = now
            self._jobs.progress(self._job_id, self._done, self._total, self._phase)
