"""`footnote eval ...`: retrieval evaluation and its regression gate (the work is in eval/).

footnote eval retrieval [--sample] [--classic] [--dataset DIR ...] [--out FILE] [--json]
footnote eval answers [--dataset DIR] [--questions FILE ...] [--out FILE] [--limit N] [--json]
footnote eval gate --baseline FILE [--current FILE] [--tolerance 0.02]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from footnote.arguments import Commands, Parents
from indexer.config import Settings

DEFAULT_OUT = Path("eval-results/retrieval.json")
DEFAULT_ANSWERS_OUT = Path("eval-results/answers.json")
SAMPLE = Path(__file__).resolve().parents[2] / "examples"


def add_parser(commands: Commands, parents: Parents) -> None:
    """Register `footnote eval` and its sub-commands on the top-level parser."""
    evaluation = commands.add_parser("eval", help="measure retrieval quality")
    tasks = evaluation.add_subparsers(dest="eval_command", required=True, metavar="EVAL")

    retrieval = tasks.add_parser(
        "retrieval",
        parents=parents.scripted,
        help="index datasets in throwaway directories and score every search mode",
        description="Index BEIR folders or publications through the real pipeline, run "
        "every query in bm25, dense and hybrid mode, and report nDCG@10, Recall@10, "
        "Recall@100, MRR@10 and latency; several datasets give one report and one table with "
        "a mean row. Settings (model, chunking, fusion) come from the environment as for "
        "every command.",
    )
    retrieval.add_argument(
        "--dataset",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="BEIR folder (corpus.jsonl, queries.jsonl, qrels/) or a publication folder "
        "(articles/, questions.jsonl, queries/*.jsonl) such as examples; repeatable",
    )
    retrieval.add_argument(
        "--sample", action="store_true", help="the bundled sample publication (examples/)"
    )
    retrieval.add_argument(
        "--classic",
        action="store_true",
        help="the classic collections CISI, MED and CACM from --classic-dir (skipped with a "
        "message when absent, an error under CI=true)",
    )
    retrieval.add_argument(
        "--classic-dir",
        type=Path,
        metavar="DIR",
        help="where cisi/, med/ and cacm/ are (default ../shared/datasets/classic beside the "
        "repository)",
    )
    retrieval.add_argument("--split", default="test", help="BEIR qrels split (default test)")
    retrieval.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"JSON report (default {DEFAULT_OUT})"
    )
    retrieval.add_argument(
        "--chart", type=Path, help="PNG bar chart (default: the report's name with .png)"
    )
    retrieval.add_argument(
        "--keep-index",
        type=Path,
        metavar="DIR",
        help="index into DIR and keep it, to reuse next time (same as --data-dir; with "
        "several datasets, one subdirectory each); default: a temporary directory",
    )
    retrieval.set_defaults(handler=_retrieval)

    answers = tasks.add_parser(
        "answers",
        parents=parents.scripted,
        help="answer a publication's labelled questions and score citations and abstention",
        description="Index a publication folder (default: the bundled examples/) in a "
        "throwaway directory, answer every question of its questions.jsonl with the configured "
        "answerer (extractive, or the OpenAI-compatible LLM when FOOTNOTE_LLM_BASE_URL or "
        "OPENAI_API_KEY is set) and report citation validity and precision, answer rate, "
        "false-answer rate and latency.",
    )
    answers.add_argument(
        "--dataset",
        type=Path,
        default=SAMPLE,
        metavar="DIR",
        help="publication folder with articles/ and questions.jsonl (default: examples/)",
    )
    answers.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="labelled question files to ask instead of the folder's development questions "
        "(questions.jsonl and questions-dev-extra*.jsonl), e.g. a held-out test set such as "
        "examples/questions-blind.jsonl, reported on its own",
    )
    answers.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_ANSWERS_OUT,
        help=f"JSON report (default {DEFAULT_ANSWERS_OUT})",
    )
    answers.add_argument(
        "--limit",
        type=_positive,
        metavar="N",
        help="only the first N answerable and N unanswerable questions (quick runs)",
    )
    answers.add_argument(
        "--keep-index", type=Path, metavar="DIR", help="index into DIR and keep it for reuse"
    )
    answers.set_defaults(handler=_answers)

    gate = tasks.add_parser(
        "gate",
        parents=[parents.data_dir],
        help="fail when nDCG@10 dropped against a baseline report",
        description="Compare a report (or a fresh run on the baseline's dataset) with a "
        "baseline; exit 1 when nDCG@10 of any set and mode dropped by more than the tolerance.",
    )
    gate.add_argument("--baseline", type=Path, required=True, help="the stored baseline report")
    gate.add_argument("--current", type=Path, help="report to check (default: run afresh)")
    gate.add_argument(
        "--tolerance", type=float, default=0.02, help="largest allowed drop (default 0.02)"
    )
    gate.set_defaults(handler=_gate)


def _retrieval(args: argparse.Namespace, settings: Settings) -> int:
    from eval.chart import draw_chart
    from eval.datasets import SAMPLE as SAMPLE_FOLDER
    from eval.datasets import dataset_folder
    from eval.report import markdown_table, write_json
    from eval.suite import CLASSIC_ROOT, classic_folders, combine, suite_table
    from footnote.arguments import fail

    folders = [SAMPLE_FOLDER] if args.sample else []
    folders += [dataset_folder(given) for given in args.dataset]
    if args.classic:
        classic, skipped = classic_folders(args.classic_dir or CLASSIC_ROOT)
        folders += classic
        if skipped:
            print(f"warning: {skipped}", file=sys.stderr)
    if not folders:
        return fail("name what to evaluate: --sample, --classic or --dataset DIR")
    keep = args.keep_index or args.data_dir
    reports = [
        _run(folder, settings, args, quiet=args.json, keep=_subdir(keep, folder, len(folders)))
        for folder in folders
    ]
    report = combine(reports)
    chart = args.chart or args.out.with_suffix(".png")
    write_json(report, args.out)
    draw_chart(report, chart)
    table = suite_table(report) if len(reports) > 1 else markdown_table(report)
    print(json.dumps(report, indent=2) if args.json else table)
    for name, entry in report["sets"].items():
        for mode, count in entry.get("rejected_queries", {}).items():
            print(f"warning: {name} {mode}: {count} queries rejected (scored 0)", file=sys.stderr)
    print(f"report: {args.out}  chart: {chart}", file=sys.stderr)
    return 0


def _subdir(keep: Path | None, folder: Path, datasets: int) -> Path | None:
    return keep / folder.resolve().name if keep is not None and datasets > 1 else keep


def _answers(args: argparse.Namespace, settings: Settings) -> int:
    from eval.answer_report import answer_table
    from eval.answers import check_answer_folder, run_answer_eval
    from eval.model import DatasetError
    from eval.report import write_json
    from footnote.progress import RichProgress
    from indexer.bootstrap import build

    folder = check_answer_folder(args.dataset)
    for path in args.questions or []:
        if not path.is_file():
            raise DatasetError(f"{path}: no such question file")
    keep = args.keep_index or args.data_dir
    with RichProgress(enabled=not args.json and sys.stderr.isatty()) as progress:
        report = run_answer_eval(
            folder,
            settings,
            build=build,
            keep_index=keep,
            limit=args.limit,
            progress=progress,
            questions=args.questions,
        )
    write_json(report, args.out)
    print(json.dumps(report, indent=2) if args.json else answer_table(report))
    print(f"report: {args.out}", file=sys.stderr)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _gate(args: argparse.Namespace, settings: Settings) -> int:
    from eval.gate import compare_reports, gate_passes, gate_table
    from eval.report import read_json
    from eval.suite import baseline_datasets, combine, in_ci

    baseline = read_json(args.baseline)
    datasets = baseline_datasets(baseline)
    if args.current is not None:
        current = read_json(args.current)
    else:
        reports = []
        for folder, split, _ in datasets:
            if folder.is_dir() or in_ci():
                args.split = split
                reports.append(_run(folder, settings, args))
        current = combine(reports) if reports else {"sets": {}, "metrics": {}}
    # A whole dataset absent here (the classic collections outside CI) is skipped, said so.
    absent = [sets for _, _, sets in datasets if not set(sets) & set(current["sets"])]
    unavailable = set() if in_ci() else {name for sets in absent for name in sets}
    rows = compare_reports(baseline, current, args.tolerance, unavailable)
    print(gate_table(rows, args.tolerance))
    return 0 if gate_passes(rows) else 1


def _run(
    folder: Path,
    settings: Settings,
    args: argparse.Namespace,
    quiet: bool = False,
    keep: Path | None = None,
) -> dict[str, Any]:
    from eval.retrieval import run_retrieval_eval
    from footnote.progress import RichProgress
    from indexer.bootstrap import build

    keep = keep or getattr(args, "keep_index", None) or args.data_dir
    with RichProgress(enabled=not quiet and sys.stderr.isatty()) as progress:
        return run_retrieval_eval(
            folder, settings, build=build, keep_index=keep, split=args.split, progress=progress
        )
