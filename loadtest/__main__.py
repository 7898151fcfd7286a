"""`python -m loadtest`: exit 0 when the run had no errors and the server's RSS grew < 10%,
1 when it did not, 2 when the server could not be started."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from loadtest.report import summary_lines
from loadtest.runner import LoadPlan, run
from loadtest.server import ServerFailed

ROOT = Path(__file__).resolve().parent.parent
# Kept between runs, so a second run re-embeds nothing.
CACHE = Path(tempfile.gettempdir()) / "footnote-loadtest"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__)
    parser.add_argument("--duration", type=int, default=120, help="seconds (default 120)")
    parser.add_argument("--users", type=int, default=20, help="concurrent readers (default 20)")
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    parser.add_argument(
        "--warmup", type=float, help="seconds of load before the RSS baseline (default 10%%)"
    )
    parser.add_argument(
        "--source", type=Path, default=ROOT / "examples" / "articles", help="articles to index"
    )
    parser.add_argument("--data-dir", type=Path, default=CACHE / "data", help="index location")
    parser.add_argument("--out", type=Path, default=CACHE / "run", help="logs and report.json")
    parser.add_argument(
        "--redis-url", help="use Redis (and a separate `footnote worker`); default: embedded"
    )
    parser.add_argument("--ask-weight", type=int, default=1, help="share of /ask (default 1)")
    parser.add_argument("--search-weight", type=int, default=9, help="share of /search (9)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="stop after this many requests"
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON report")
    args = parser.parse_args(argv)
    plan = LoadPlan(
        source=args.source.resolve(),
        data_dir=args.data_dir.resolve(),
        work_dir=args.out.resolve(),
        users=args.users,
        duration_s=args.duration,
        spawn_rate=args.spawn_rate,
        warmup_s=args.warmup,
        redis_url=args.redis_url,
        search_weight=args.search_weight,
        ask_weight=args.ask_weight,
        max_requests=args.max_requests,
    )
    try:
        report = run(plan)
    except ServerFailed as exc:
        print(f"loadtest: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report))
    else:
        print("\n".join(summary_lines(report)))
        print(f"  report: {plan.work_dir / 'report.json'}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
