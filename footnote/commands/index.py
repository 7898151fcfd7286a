"""`footnote index PATH [--rebuild] [--json]`: bring the index in line with a source folder or
file, in this process, with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from footnote.arguments import Commands, Parents, fail
from indexer.config import Settings


def add_parser(commands: Commands, parents: Parents) -> None:
    index = commands.add_parser(
        "index", parents=parents.scripted, help="index a folder or file of articles"
    )
    index.add_argument(
        "path", type=Path, help="Markdown/HTML folder, JSONL export or RSS/Atom feed"
    )
    index.add_argument(
        "--rebuild",
        action="store_true",
        help="re-embed every article into a new snapshot (e.g. to switch models)",
    )
    from footnote.index_summary import add_source_arguments

    add_source_arguments(index)
    index.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from footnote.index_summary import print_report, source_options
    from footnote.progress import RichProgress
    from indexer.bootstrap import build

    options = source_options(args)
    if not args.path.exists():
        return fail(f"{args.path}: no such file or directory")
    services = build(settings)
    with RichProgress(enabled=not args.json and sys.stderr.isatty()) as progress:
        if args.rebuild:
            # An ordinary writer: the current snapshot serves until the new one commits.
            report = services.indexing.rebuild_source(args.path, progress, options)
        else:
            report = services.indexing.sync_source(args.path, progress, options)
    print_report(report, args.json)
    return 1 if report.failed else 0

