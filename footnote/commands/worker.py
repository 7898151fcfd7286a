"""`footnote worker`: a Celery job worker (answers and re-indexing) over this data directory."""

from __future__ import annotations

import argparse

from footnote.arguments import Commands, Parents
from indexer.config import Settings


def add_parser(commands: Commands, parents: Parents) -> None:
    worker = commands.add_parser(
        "worker", parents=[parents.data_dir], help="run a job worker (answers and re-indexing)"
    )
    worker.add_argument("--concurrency", type=int, help="worker processes (default 2)")
    worker.add_argument(
        "--queues", default="answers,indexing", help="queues to consume (default both)"
    )
    worker.add_argument(
        "--beat",
        action="store_true",
        help="also run the periodic scheduler that polls FOOTNOTE_SYNC_SOURCES and, in Redis "
        "mode, folds the API processes' analytics events into the search log (one worker per "
        "deployment; `footnote serve` starts its embedded worker with it)",
    )
    worker.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import os

    # The pool's processes build their own Settings from the environment: hand the choice on.
    os.environ["FOOTNOTE_DATA_DIR"] = str(settings.data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    from tasks.celery_app import get_app

    concurrency = args.concurrency or settings.worker_concurrency
    argv = [
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        f"--queues={args.queues}",
        "--without-gossip",
        "--without-mingle",
    ]
    get_app().worker_main(argv=[*argv, "--beat"] if args.beat else argv)
    return 0
