"""`footnote index`: the flags that describe a source, and the summary it ends with.

Failures and skips are grouped by reason, each with its count and first few paths, so a site
with sixty redirect stubs reads as one line; `--json` lists every path.
"""

from __future__ import annotations

import argparse
import json
import sys

from indexer.ingest import SourceOptions
from indexer.ingest.sites.anchors import STYLES
from indexer.ingest.sites.settings import FUTURE, GENERATORS
from indexer.model import IndexReport, group_paths

FIRST_PATHS = 3


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", help="the site's address, for a folder no generator config describes"
    )
    parser.add_argument(
        "--permalink",
        help="URL pattern under the base URL, e.g. '/:year/:month/:slug/' or '/:filename'",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files matching this glob (repeatable; '**' crosses folders)",
    )
    parser.add_argument("--anchors", choices=STYLES, help="heading anchor style of the site")
    parser.add_argument("--generator", choices=GENERATORS, help="read the folder as this generator")
    parser.add_argument(
        "--future",
        choices=FUTURE,
        help="index or skip posts dated after today (default: as the site)",
    )


def source_options(args: argparse.Namespace) -> SourceOptions:
    return SourceOptions(
        base_url=args.base_url,
        permalink=args.permalink,
        exclude=tuple(args.exclude),
        anchors=args.anchors,
        generator=args.generator,
        future=args.future,
    )


def print_report(report: IndexReport, as_json: bool) -> None:
    summary = report.as_dict()
    if as_json:
        print(json.dumps(summary))
        return
    failures = {str(f.path): str(f) for f in report.failed}
    for reason, paths in group_paths(report.failed).items():
        shown = ", ".join(failures[p] for p in paths[:FIRST_PATHS])
        print(f"failed: {reason}: {len(paths)} ({shown}{_more(paths)})", file=sys.stderr)
    for reason, paths in group_paths(report.skipped).items():
        print(f"skipped: {reason}: {len(paths)} ({', '.join(paths[:FIRST_PATHS])}{_more(paths)})")
    print(
        f"{summary['added']} added, {summary['updated']} updated, "
        f"{summary['deleted']} deleted, {summary['unchanged']} unchanged, "
        f"{summary['failed']} failed, {summary['skipped']} skipped; "
        f"{summary['chunks_embedded']} chunks embedded "
        f"({summary['chunks_per_second']} chunks/s), {summary['chunks_total']} in the index, "
        f"snapshot {summary['generation']}"
    )


def _more(paths: list[str]) -> str:
    return f", and {len(paths) - FIRST_PATHS} more" if len(paths) > FIRST_PATHS else ""
