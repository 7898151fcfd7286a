"""What every `footnote` command shares: the argument parents (`--data-dir` on every command,
`--json` on the ones scripts call), the handler signature, and the one way a command reports a
fatal error (a message on stderr, exit 2)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from indexer.config import Settings

Handler: TypeAlias = Callable[[argparse.Namespace, Settings], int]
# What `add_subparsers` returns; the class is private to argparse, so it is named only here.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


@dataclass(frozen=True)
class Parents:
    """Parsers without help of their own, passed as `parents=` to each command's parser."""

    data_dir: argparse.ArgumentParser
    json: argparse.ArgumentParser

    @property
    def scripted(self) -> list[argparse.ArgumentParser]:
        """A command scripts call: both `--data-dir` and `--json`."""
        return [self.data_dir, self.json]


def shared_parents() -> Parents:
    data_dir = argparse.ArgumentParser(add_help=False)
    data_dir.add_argument(
        "--data-dir",
        type=Path,
        help="where the index lives (env FOOTNOTE_DATA_DIR; default ./data)",
    )
    scripted = argparse.ArgumentParser(add_help=False)
    scripted.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    return Parents(data_dir, scripted)


def fail(message: str) -> int:
    print(f"footnote: error: {message}", file=sys.stderr)
    return 2
