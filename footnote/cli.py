"""`footnote SUBCOMMAND`: index, search, serve, worker, reindex, check and eval.

Exit codes: 0 success; 1 the command ran but something it met failed (files that did not
load, a failed check); 2 bad usage or a fatal error, with a message naming the cause.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from indexer.config import Settings
from indexer.errors import FootnoteError, InvalidQuery

if TYPE_CHECKING:
    from indexer.search.search_service import SearchPage

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
        handler: Handler = args.handler
        return handler(args, settings)
    except ValidationError as exc:
        return _fail(f"invalid configuration: {exc}")
    except FootnoteError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted; the index is unchanged since its last commit")


def _fail(message: str) -> int:
    print(f"footnote: error: {message}", file=sys.stderr)
    return 2


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    return Settings(**overrides)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        help="where the index lives (env FOOTNOTE_DATA_DIR; default ./data)",
    )
    scripted = argparse.ArgumentParser(add_help=False)
    scripted.add_argument("--json", action="store_true", help="print one JSON object for scripts")

    parser = argparse.ArgumentParser(prog="footnote", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    index = commands.add_parser(
        "index", parents=[common, scripted], help="index a folder or file of articles"
    )
    index.add_argument(
        "path", type=Path, help="Markdown/HTML folder, JSONL export or RSS/Atom feed"
    )
    index.add_argument(
        "--rebuild", action="store_true", help="discard the existing index and build it anew"
    )
    from footnote.index_summary import add_source_arguments

    add_source_arguments(index)
    index.set_defaults(handler=_index)

    search = commands.add_parser("search", parents=[common, scripted], help="search the index")
    search.add_argument("query", nargs="?", help="omit to type queries one per line")
    search.add_argument("-k", type=int, default=5, help="how many articles (default 5)")
    search.add_argument("--mode", default="hybrid", help="dense, bm25 or hybrid (default)")
    search.set_defaults(handler=_search)

    serve = commands.add_parser(
        "serve", parents=[common], help="serve the HTTP API and search page"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="API processes (default 1)")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a job worker alongside (the default without FOOTNOTE_REDIS_URL)",
    )
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser(
        "worker", parents=[common], help="run a job worker (answers and re-indexing)"
    )
    worker.add_argument("--concurrency", type=int, help="worker processes (default 2)")
    worker.add_argument(
        "--queues", default="answers,indexing", help="queues to consume (default both)"
    )
    worker.set_defaults(handler=_worker)

    reindex = commands.add_parser(
        "reindex", parents=[common, scripted], help="re-index the source through a worker job"
    )
    reindex.add_argument(
        "--source", type=Path, help="folder or file to index (default FOOTNOTE_SOURCE_DIR)"
    )
    reindex.add_argument(
        "--no-wait", action="store_true", help="print the job id and return at once"
    )
    reindex.set_defaults(handler=_reindex)

    check = commands.add_parser(
        "check", parents=[common, scripted], help="verify vectors, keyword index and metadata agree"
    )
    check.set_defaults(handler=_check)

    from footnote.eval_command import add_eval_command

    add_eval_command(commands, common, scripted)

    from footnote.bench_command import add_bench_command

    add_bench_command(commands, common, scripted)
    return parser


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from footnote.index_summary import print_report, source_options
    from footnote.progress import RichProgress
    from indexer.bootstrap import build

    options = source_options(args)
    if not args.path.exists():
        return _fail(f"{args.path}: no such file or directory")
    if args.rebuild:
        settings.db_path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(settings.db_path) + suffix).unlink(missing_ok=True)
        shutil.rmtree(settings.snapshot_dir, ignore_errors=True)
    services = build(settings)
    with RichProgress(enabled=not args.json and sys.stderr.isatty()) as progress:
        report = services.indexing.sync_source(args.path, progress, options)
    print_report(report, args.json)
    return 1 if report.failed else 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.bootstrap import build

    services = build(settings)
    if args.query is not None:
        _print_search(
            args.query, services.search.search(args.query, k=args.k, mode=args.mode), args
        )
        return 0
    interactive = sys.stdin.isatty()
    if interactive:
        print("Type a question and press Enter (Ctrl-D to quit).", file=sys.stderr)
    while True:
        try:
            line = input("search> " if interactive else "")
        except EOFError:
            return 0
        if not line.strip():
            continue
        try:
            _print_search(line, services.search.search(line, k=args.k, mode=args.mode), args)
        except InvalidQuery as exc:
            print(f"footnote: {exc}", file=sys.stderr)


def _print_search(query: str, result: SearchPage, args: argparse.Namespace) -> None:
    if args.json:
        print(
            json.dumps(
                {
                    "query": query,
                    "mode": result.mode,
                    "generation": result.generation,
                    "took_ms": round(result.took_ms, 2),
                    "hits": [
                        {
                            "article_id": h.article_id,
                            "title": h.title,
                            "heading": h.heading,
                            "url": h.deep_link,
                            "score": round(h.score, 4),
                            "text": h.text,
                            "start": h.start,
                            "end": h.end,
                        }
                        for h in result.hits
                    ],
                }
            )
        )
        return
    if not result.results:
        print("no matching articles")
    for rank, article in enumerate(result.results, start=1):
        best = article.best
        published = f", {best.published.isoformat()}" if best.published else ""
        print(f"{rank}. {best.title}{published}  [{article.score:.3f}]")
        for hit in article.passages:
            print(f"   § {hit.heading or '(introduction)'}  {hit.deep_link or ''}")
            print(f"     {_excerpt(hit.text)}")
        print()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    import uvicorn

    from indexer.bootstrap.log_setup import logging_config

    # Worker processes build their own Settings from the environment: hand the choice on.
    os.environ["FOOTNOTE_DATA_DIR"] = str(settings.data_dir)
    # FAISS's OpenMP threads spin while idle and starve the embedder; one is fastest for
    # single queries (measured: HTTP p50 48 ms -> 21 ms on 2 cores).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    worker = None
    if not settings.redis_url and not args.no_worker:
        # Embedded mode: the jobs need a worker, and nothing else would start one.
        command = [sys.executable, "-m", "footnote.cli", "worker"]
        worker = subprocess.Popen(
            [*command, "--data-dir", str(settings.data_dir)],
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
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
            log_config=logging_config(settings.log_format),
        )
    finally:
        if worker is not None:
            _stop_worker(worker)
    return 0


def _die_with_parent() -> None:
    """In the embedded worker: get SIGTERM when `footnote serve` dies, however it dies."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    import os
    import signal

    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        # A warm shutdown can hang on a busy pool process; its jobs are redelivered anyway.
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import os

    os.environ["FOOTNOTE_DATA_DIR"] = str(settings.data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    from tasks.celery_app import get_app

    concurrency = args.concurrency or settings.worker_concurrency
    get_app().worker_main(
        argv=[
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--queues={args.queues}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
    return 0


def _reindex(args: argparse.Namespace, settings: Settings) -> int:
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


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.bootstrap import open_index
    from indexer.index.consistency import check_index

    files = open_index(settings)
    report = check_index(files.store, files.reader)
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        for problem in report.problems:
            print(f"problem: {problem}", file=sys.stderr)
        state = "consistent" if report.ok else "INCONSISTENT"
        print(
            f"index {state}: snapshot {report.generation}, {report.articles} articles, "
            f"{report.chunks} chunks"
        )
    return 0 if report.ok else 1


def _excerpt(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


if __name__ == "__main__":
    raise SystemExit(main())
