"""`footnote report gaps|queries [--since DAYS] [--json]`: what readers searched for, from the
search log in the data directory; the same reports as the dashboard's. `footnote report fold`
folds the Redis mode's event stream into the search log now, as the worker's beat does."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from footnote.arguments import Commands, Parents, fail
from indexer.config import Settings

MAX_DAYS = 3650


def add_parser(commands: Commands, parents: Parents) -> None:
    report = commands.add_parser(
        "report",
        parents=parents.scripted,
        help="what readers searched for and did not find",
        description="gaps: searches that found nothing and questions not answered, grouped by "
        "meaning. queries: top searches, searches whose results nobody opened, and views "
        "per article from search. Reads the search log; the index is not needed. fold (Redis "
        "mode): move the events the API processes added to the Redis stream into the search "
        "log now, rather than at the worker's next tick.",
    )
    report.add_argument("report", choices=("gaps", "queries", "fold"), help="which report")
    report.add_argument(
        "--since", type=float, default=30.0, metavar="DAYS", help="the period (default 30)"
    )
    report.add_argument("--limit", type=int, default=20, help="rows per table (default 20)")
    report.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not 0 < args.since <= MAX_DAYS:
        return fail(f"--since {args.since:g}: give a number of days above 0 and up to {MAX_DAYS}")
    if args.limit < 1:
        return fail(f"--limit {args.limit}: give at least 1")
    if args.report == "fold":
        return _fold(args, settings)
    from indexer.bootstrap import build_reports

    reports = build_reports(settings)
    if args.report == "gaps":
        data = reports.gaps(args.since, args.limit)
    else:
        data = reports.queries(args.since, args.limit)
    if args.json:
        print(json.dumps(data))
    elif args.report == "gaps":
        _print_gaps(data)
    else:
        _print_queries(data)
    return 0


def _fold(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.bootstrap import build_fold

    fold = build_fold(settings)
    if fold is None:
        return fail(
            "nothing to fold: events go through Redis only with FOOTNOTE_REDIS_URL set and "
            "FOOTNOTE_ANALYTICS on (otherwise they are in the search log already)"
        )
    from redis import RedisError

    try:
        data = fold.fold().as_dict()
    except RedisError as exc:
        return fail(f"Redis at FOOTNOTE_REDIS_URL did not answer: {exc}")
    if args.json:
        print(json.dumps(data))
    else:
        print(f"{data['folded']} events folded into the search log, {data['purged']} purged")
    return 0


def _print_gaps(data: dict[str, Any]) -> None:
    print(f"Content gaps, last {data['since_days']:g} days: {data['total']} searches and questions")
    rows = [
        (str(g["count"]), str(g["searches"]), str(g["questions"]), _examples(g))
        for g in data["gaps"]
    ]
    _table(("count", "searches", "questions", "topic (other wordings)"), rows)


def _examples(gap: dict[str, Any]) -> str:
    topic = str(gap["topic"])
    others = [e for e in gap["examples"] if e != topic]
    return topic + (f"  ({'; '.join(others)})" if others else "")


def _print_queries(data: dict[str, Any]) -> None:
    print(f"Searches and questions, last {data['since_days']:g} days: {data['total']}")
    print("\nTop searches")
    _table(
        ("count", "opened", "text"),
        [(str(t["count"]), str(t["opened"]), t["text"]) for t in data["top"]],
    )
    print("\nFound results, none opened")
    _table(("count", "text"), [(str(t["count"]), t["text"]) for t in data["never_opened"]])
    print("\nViews per article from search")
    _table(("views", "article"), [(str(v["views"]), v["article_id"]) for v in data["views"]])


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    if not rows:
        print("  (none)")
        return
    # Numbers right-aligned in columns as wide as their widest cell; the text column last.
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.rjust(width) for cell, width in zip(row, widths, strict=False)]
        print("  " + "  ".join([*cells, row[-1]]))
