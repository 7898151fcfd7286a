"""`footnote serve`: the HTTP API and search page under uvicorn, with a job worker alongside
when no Redis is configured (embedded mode: nothing else would start one), which also runs the
periodic sync when sync sources are configured."""

from __future__ import annotations

import argparse

from footnote.arguments import Commands, Parents
from indexer.config import Settings


def add_parser(commands: Commands, parents: Parents) -> None:
    serve = commands.add_parser(
        "serve", parents=[parents.data_dir], help="serve the HTTP API and search page"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="API processes (default 1)")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a job worker alongside (the default without FOOTNOTE_REDIS_URL)",
    )
    serve.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import os

    import uvicorn

    from indexer.bootstrap.log_setup import logging_config
    from tasks.processes import start_worker, stop

    # Worker processes build their own Settings from the environment: hand the choice on.
    os.environ["FOOTNOTE_DATA_DIR"] = str(settings.data_dir)
    # FAISS's OpenMP threads spin while idle and starve the embedder; one is fastest for
    # single queries (measured: HTTP p50 48 ms -> 21 ms on 2 cores).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    worker = None
    if not settings.redis_url and not args.no_worker:
        worker = start_worker(settings.data_dir, beat=bool(settings.sync_sources))
    try:
        uvicorn.run(
            "search_api.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            # Rate limits count per client: behind a trusted proxy, the address it forwards.
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            log_level="info",
            log_config=logging_config(settings.log_format, log_queries=settings.log_queries),
        )
    finally:
        if worker is not None:
            stop(worker, timeout_s=10, warm=True)
    return 0
