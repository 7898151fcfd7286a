"""`footnote check [--json]`: verify that vectors, keyword index and metadata agree (exit 1
when they do not)."""

from __future__ import annotations

import argparse
import json
import sys

from footnote.arguments import Commands, Parents
from indexer.config import Settings


def add_parser(commands: Commands, parents: Parents) -> None:
    check = commands.add_parser(
        "check", parents=parents.scripted, help="verify vectors, keyword index and metadata agree"
    )
    check.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
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
