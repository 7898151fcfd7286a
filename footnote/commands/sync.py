"""`footnote sync [--source NAME] [--status] [--json]`: poll the sources of
FOOTNOTE_SYNC_SOURCES now, in this process, and say how each went (exit 1 when one failed)."""

from __future__ import annotations

import argparse
import json
import sys

from footnote.arguments import Commands, Parents, fail
from indexer.config import Settings


def add_parser(commands: Commands, parents: Parents) -> None:
    sync = commands.add_parser(
        "sync",
        parents=parents.scripted,
        help="poll the configured feeds, sitemaps and folders now",
        description="Poll every source of FOOTNOTE_SYNC_SOURCES (whatever its schedule): new "
        "and changed pages are indexed, pages gone from the source removed. Prints each "
        "source's run; exit 1 when a source or one of its pages failed.",
    )
    sync.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help="poll only this source (its name, else its url or path); repeatable",
    )
    sync.add_argument(
        "--status",
        action="store_true",
        help="poll nothing: show each source's last run (no model is loaded)",
    )
    sync.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.sync_sources:
        return fail("no sync sources configured: set FOOTNOTE_SYNC_SOURCES (see README, Sync)")
    if args.status:
        from indexer.bootstrap import sync_status

        statuses = [status.as_dict() for status in sync_status(settings)]
        if args.json:
            print(json.dumps({"sources": statuses}))
        else:
            for status in statuses:
                print(_status_line(status))
        return 0

    from indexer.bootstrap import build, build_sync

    services = build(settings)
    sync = build_sync(settings, services.indexing)
    runs = sync.poll_all(args.source)
    if args.json:
        statuses = [status.as_dict() for status in sync.status()]
        print(json.dumps({"runs": [r.as_dict() for r in runs], "sources": statuses}))
    else:
        for source_run in runs:
            for error in source_run.errors:
                print(f"failed: {error}", file=sys.stderr)
            print(_run_line(source_run.as_dict()))
    return 0 if all(source_run.ok for source_run in runs) else 1


def _run_line(run: dict[str, object]) -> str:
    counts = run["counts"]
    assert isinstance(counts, dict)
    shown = ", ".join(f"{counts.get(name, 0)} {name}" for name in _SHOWN)
    error = f": {run['error']}" if run["error"] and not counts else ""
    return f"{run['source']} ({run['kind']}): {run['outcome']}{error}; {shown} ({run['seconds']} s)"


def _status_line(status: dict[str, object]) -> str:
    last = status["last_run"]
    if not isinstance(last, dict):
        return f"{status['source']} ({status['kind']}): never polled"
    error = f": {last['error']}" if last["error"] else ""
    return (
        f"{status['source']} ({status['kind']}): {last['outcome']} at {last['started_at']}"
        f"{error}; {status['pages']} pages known"
    )


_SHOWN = ("added", "updated", "deleted", "unchanged", "failed")
