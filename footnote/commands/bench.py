"""`footnote bench`: the speed benchmark (the work is in eval/bench/).

footnote bench [--dataset DIR] [--sizes 1k] [--repeats 3] [--out FILE] [--chart FILE]
               [--skip-peer] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from footnote.arguments import Commands, Parents
from indexer.config import Settings

DEFAULT_OUT = Path("bench-results/bench.json")
DEFAULT_DATASET = Path("../shared/datasets/scifact")


def add_parser(commands: Commands, parents: Parents) -> None:
    """Register `footnote bench` on the top-level parser."""
    bench = commands.add_parser(
        "bench",
        parents=parents.scripted,
        help="measure indexing, query, memory and publish speed (and a peer)",
        description="Build corpora of about --sizes chunks from a BEIR dataset, index them "
        "through the real pipeline, serve them with uvicorn on loopback and measure /search, "
        "edit articles through the API and a worker, and compare with txtai. Settings "
        "(embedding backend, ANN threshold, caches) come from the environment as for every "
        "command, and the report records them. --data-dir DIR keeps the indexes in DIR/bench.",
    )
    bench.add_argument(
        "--dataset",
        type=Path,
        default=DEFAULT_DATASET,
        metavar="DIR",
        help=f"BEIR folder (default {DEFAULT_DATASET})",
    )
    bench.add_argument(
        "--sizes",
        default="1k",
        # Embedding runs at about 10-20 chunks/s on 2 cores: 10k chunks take 10-15 minutes
        # per repeat, so larger sizes are asked for, not the default.
        help="corpus sizes in chunks, comma-separated, e.g. 1k,10k,100k (default 1k)",
    )
    bench.add_argument("--repeats", type=int, default=3, help="runs per measurement (default 3)")
    bench.add_argument(
        "--queries",
        type=int,
        default=200,
        # Enough for a p99 that is not just the slowest request, and a burst long enough
        # that the 8 clients' start and finish do not dominate its requests/s.
        help="queries per mode per run, drawn in turn from the dataset's (default 200)",
    )
    bench.add_argument(
        "--embed-up-to",
        default="20k",
        help="largest corpus embedded for real; bigger ones reuse base passages' vectors "
        "(query corpus: replicated vectors) (default 20k)",
    )
    bench.add_argument(
        "--articles",
        type=int,
        default=1000,
        help="articles in the incremental and peer corpus (default 1000)",
    )
    bench.add_argument("--edits", type=int, default=5, help="timed edits (default 5)")
    bench.add_argument(
        "--raw-sample",
        type=int,
        default=0,
        help="chunk texts the raw model embeds per repeat, drawn from the indexed ones "
        "(default 0: all of them, the same work as the pipeline's)",
    )
    bench.add_argument(
        "--drain-jobs",
        type=int,
        default=100,
        help="questions in the backlog the job queue drains, at most FOOTNOTE_MAX_QUEUED_ASK "
        "(default 100)",
    )
    bench.add_argument("--skip-peer", action="store_true", help="do not run txtai")
    bench.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"JSON report (default {DEFAULT_OUT})"
    )
    bench.add_argument("--chart", type=Path, help="PNG chart (default: the report's name, .png)")
    bench.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console

    from eval.bench.chart import draw_chart
    from eval.bench.corpus import parse_size
    from eval.bench.report import print_tables, write_json
    from eval.bench.runner import BenchOptions, run_bench
    from eval.datasets import dataset_folder
    from footnote.progress import RichProgress

    console = Console(stderr=True)
    # SIGTERM unwinds like Ctrl-C, so the servers and workers the bench started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Every size is indexed from nothing: only the bench's own folder is ever emptied.
    workdir = args.data_dir / "bench" if args.data_dir else Path(tempfile.mkdtemp(prefix="bench-"))
    shutil.rmtree(workdir, ignore_errors=True)
    options = BenchOptions(
        dataset=dataset_folder(args.dataset),
        sizes=tuple(parse_size(s) for s in args.sizes.split(",") if s.strip()),
        workdir=workdir.resolve(),
        repeats=max(args.repeats, 1),
        queries=max(args.queries, 1),
        embed_up_to=parse_size(args.embed_up_to),
        articles=max(args.articles, 1),
        edits=max(args.edits, 1),
        drain_jobs=max(args.drain_jobs, 1),
        raw_sample=max(args.raw_sample, 8) if args.raw_sample else None,
        peer=not args.skip_peer,
    )
    quiet = args.json or not sys.stderr.isatty()
    try:
        with RichProgress(enabled=not quiet) as progress:
            report = run_bench(
                options,
                settings,
                progress,
                say=(lambda _: None) if args.json else lambda m: console.log(m),
            )
    finally:
        if args.data_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    chart = args.chart or args.out.with_suffix(".png")
    write_json(report, args.out)
    draw_chart(report, chart)
    if args.json:
        print(json.dumps(report))
    else:
        print_tables(report, Console(width=None if sys.stdout.isatty() else 150))
    print(f"report: {args.out}  chart: {chart}", file=sys.stderr)
    return 0
