"""One module per `footnote` subcommand, in the order `footnote --help` lists them.

Each module has `add_parser(commands, parents)`, which adds its subparser with the shared
parents of `footnote.arguments` and sets the handler `footnote.cli.main` dispatches to. Heavy
imports (the model, Celery, uvicorn, eval/) happen inside the handlers, so `--help` and a usage
error stay fast."""

from __future__ import annotations

from collections.abc import Callable

from footnote.arguments import Commands, Parents
from footnote.commands import bench, check, index, reindex, report, search, serve, sync, worker
from footnote.commands import eval as evaluation

COMMANDS: tuple[Callable[[Commands, Parents], None], ...] = (
    index.add_parser,
    search.add_parser,
    serve.add_parser,
    worker.add_parser,
    reindex.add_parser,
    sync.add_parser,
    check.add_parser,
    report.add_parser,
    evaluation.add_parser,
    bench.add_parser,
)
