"""`footnote reindex [--source PATH] [--no-wait] [--json]`: submit a re-index job for a worker
and, unless told not to, follow it to the end with a progress bar."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from footnote.arguments import Commands, Parents
from indexer.config import Settings


def add_parser(commands: Commands, parents: Parents) -> None:
    reindex = commands.add_parser(
        "reindex", parents=parents.scripted, help="re-index the source through a worker job"
    )
    reindex.add_argument(
        "--source", type=Path, help="folder or file to index (default FOOTNOTE_SOURCE_DIR)"
    )
    reindex.add_argument(
        "--no-wait", action="store_true", help="print the job id and return at once"
    )
    reindex.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from footnote.follow import follow_job
    from indexer.bootstrap import build_jobs
    from tasks.celery_app import make_celery
    from tasks.queue import CeleryJobQueue

    jobs = build_jobs(settings, CeleryJobQueue(make_celery(settings)))
    params = {"source": str(args.source.resolve())} if args.source else {}
    job, _ = jobs.submit("reindex", params)
    if args.no_wait:
        print(json.dumps({"job_id": job.id, "state": job.state}) if args.json else job.id)
        return 0
    final = follow_job(jobs, job.id, show_progress=not args.json and sys.stderr.isatty())
    if args.json:
        print(json.dumps(final.as_dict()))
    elif final.state == "succeeded" and final.result:
        r = final.result
        print(
            f"reindex succeeded: {r['added']} added, {r['updated']} updated, "
            f"{r['deleted']} deleted, {r['unchanged']} unchanged, {r['failed']} failed; "
            f"{r['chunks_embedded']} chunks embedded, snapshot {r['generation']}"
        )
        for failure in r.get("failures", []):
            print(f"failed: {failure}", file=sys.stderr)
    else:
        print(f"reindex {final.state}: {final.error}", file=sys.stderr)
    if final.state != "succeeded":
        return 1
    return 1 if final.result and final.result.get("failed") else 0
