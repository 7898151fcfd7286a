"""`footnote SUBCOMMAND`: index, search, serve, worker, reindex, sync, check and eval.

Exit codes: 0 success; 1 the command ran but something it met failed (files that did not
load, a failed check); 2 bad usage or a fatal error, with a message naming the cause.

This module parses the command line, builds the Settings and calls the command's handler,
mapping the errors Footnote raises on purpose to exit 2 in this one place. The commands live
in `footnote/commands/`, one module each; what they share is in `footnote/arguments.py`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_settings import SettingsError

from footnote.arguments import Handler, fail, shared_parents
from footnote.commands import COMMANDS
from indexer.config import Settings
from indexer.errors import FootnoteError


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        handler: Handler = args.handler
        return handler(args, settings)
    except (ValidationError, SettingsError) as exc:
        # SettingsError: a setting that is not valid JSON (FOOTNOTE_SYNC_SOURCES, a list).
        return fail(f"invalid configuration: {exc}")
    except FootnoteError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted; the index is unchanged since its last commit")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="footnote", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parents = shared_parents()
    for add_parser in COMMANDS:
        add_parser(commands, parents)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    return Settings(**overrides)


if __name__ == "__main__":
    raise SystemExit(main())
