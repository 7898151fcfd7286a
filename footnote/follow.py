"""Following a job from the terminal: a progress bar until it ends."""

from __future__ import annotations

import sys
import time

from footnote.progress import RichProgress
from indexer.jobs.job_service import JobService
from indexer.jobs.records import Job

# Long enough for a worker to pick a job up; then the likely cause is that none is running.
NO_WORKER_HINT_AFTER_S = 15.0


def follow_job(jobs: JobService, job_id: str, show_progress: bool, poll_s: float = 0.3) -> Job:
    started = time.monotonic()
    hinted = False
    phase = ""
    after: str | None = None
    with RichProgress(enabled=show_progress) as bar:
        while True:
            job = jobs.get(job_id)
            if job.terminal:
                return job
            if job.state == "queued" and not hinted:
                if time.monotonic() - started > NO_WORKER_HINT_AFTER_S:
                    hinted = True
                    print(
                        "still queued: is a worker running? start one with `footnote worker`",
                        file=sys.stderr,
                    )
            events = jobs.events(job_id, after)
            after = events[-1].id if events else after
            progress = [e for e in events if e.kind == "progress"]
            if progress:
                last = progress[-1].data
                if last["phase"] != phase:
                    phase = str(last["phase"])
                    bar.start(phase, int(last["total"]))
                bar.set(int(last["done"]))
            time.sleep(poll_s)
