"""Fitting the answerability model on the development questions, with the real model.

    python -m eval.calibration [--data-dir DIR] [--questions FILE ...] [--articles DIR]
                               [--repeats 20]

Computes the evidence (`indexer.answering.evidence`) of every development question (default:
`examples/questions.jsonl`, `examples/questions-dev-extra.jsonl` and
`examples/questions-dev-extra-2.jsonl`), prints the share
answered per style under repeated stratified 5-fold cross-validation (each question decided
by a model fitted without it; mean and spread over the repeats), then fits on every question
and prints the `AnswerabilityModel` to paste into `indexer/answering/answerability.py`. The
procedure is `eval.answerability_fit`. Never run it on a test set.

Without `--data-dir`, the sample articles are indexed into a temporary directory first.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from eval.answerability_fit import (
    FOLDS,
    THRESHOLD,
    as_model,
    cross_validated_probabilities,
    fit,
    group_rows,
    quote_when_declined_bar,
    signal_matrix,
)
from eval.datasets import recorded_path
from eval.labelled_questions import LabelledQuestion, development_files, read_labelled_questions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def gather_signals(
    questions: Sequence[LabelledQuestion], articles: Path, data_dir: Path | None
) -> np.ndarray:
    """The `signal_matrix` of the questions' evidence over the indexed `articles`."""
    from indexer.bootstrap import build
    from indexer.config import Settings

    with tempfile.TemporaryDirectory() as scratch:
        services = build(Settings(data_dir=data_dir or Path(scratch), _env_file=None))
        if data_dir is None or services.store.generation() == 0:
            services.indexing.sync_source(articles)
        evidence = [services.answers.retrieve(q.question).evidence for q in questions]
    return signal_matrix(evidence)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--questions", type=Path, nargs="+", default=development_files(EXAMPLES))
    parser.add_argument("--articles", type=Path, default=EXAMPLES / "articles")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)

    questions = [q for path in args.questions for q in read_labelled_questions(path)]
    signals = gather_signals(questions, args.articles, args.data_dir)
    labels = np.array([q.answerable for q in questions])
    probabilities = cross_validated_probabilities(signals, labels, args.repeats)
    answered = probabilities >= THRESHOLD
    print(
        f"{len(questions)} questions ({int(labels.sum())} answerable); share answered, "
        f"{args.repeats} x {FOLDS}-fold cross-validated (mean ± sd over repeats):"
    )
    for name, count, mean, spread in group_rows(questions, answered):
        print(f"  {name:<18} {count:>4}  {mean:6.1%} ± {spread:.1%}")
    files = tuple(recorded_path(path) for path in args.questions)
    note = f"{datetime.now(UTC).date()}: python -m eval.calibration --repeats {args.repeats}"
    model = as_model(fit(signals, labels), note, files)
    print("\nFITTED = AnswerabilityModel(")
    for name in ("features", "weights", "intercept", "threshold", "fitted", "fitted_on"):
        print(f"    {name}={getattr(model, name)!r},")
    print(")")
    near_miss = np.array([q.style == "near_miss" for q in questions])
    if near_miss.any():
        print(f"QUOTE_WHEN_DECLINED_ABOVE = {quote_when_declined_bar(probabilities, near_miss)}")


if __name__ == "__main__":
    main()
