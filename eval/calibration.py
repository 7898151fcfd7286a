"""Tuning the abstain threshold on labelled questions, with the real model.

    python -m eval.calibration [--data-dir DIR] [--questions FILE] [--articles DIR]

Computes the retrieval confidence of every question of `examples/questions.jsonl` (rows
`{"question", "answerable", "relevant"}`), prints its distribution for answerable and
unanswerable questions, and the threshold that maximises balanced accuracy (the mean of the
answer rate on answerable questions and the abstain rate on unanswerable ones), with a
five-fold cross-validated estimate of how well such a tuned threshold does on unseen questions.
The chosen value belongs in `confidence.DEFAULT_ABSTAIN_BELOW`.

Without `--data-dir`, the sample articles are indexed into a temporary directory first.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.answering.confidence import DEFAULT_ABSTAIN_BELOW

ROOT = Path(__file__).resolve().parents[2]
FOLDS = 5


@dataclass(frozen=True)
class Rates:
    threshold: float
    answer_rate: float  # answerable questions answered
    false_answer_rate: float  # unanswerable questions answered anyway

    @property
    def balanced_accuracy(self) -> float:
        return (self.answer_rate + 1 - self.false_answer_rate) / 2


def rates(scores: Sequence[float], answerable: Sequence[bool], threshold: float) -> Rates:
    answered = np.asarray(scores) >= threshold
    labels = np.asarray(answerable, dtype=bool)
    return Rates(
        threshold,
        float(answered[labels].mean()) if labels.any() else 0.0,
        float(answered[~labels].mean()) if (~labels).any() else 0.0,
    )


def best_threshold(scores: Sequence[float], answerable: Sequence[bool]) -> Rates:
    """The threshold with the best balanced accuracy, placed midway between the two scores
    it separates (ties: the lowest such threshold, which answers most)."""
    values = sorted(set(scores))
    candidates = [values[0]] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    best = rates(scores, answerable, candidates[0])
    for threshold in candidates[1:]:
        found = rates(scores, answerable, threshold)
        if found.balanced_accuracy > best.balanced_accuracy + 1e-12:
            best = found
    return best


def cross_validated(scores: Sequence[float], answerable: Sequence[bool]) -> Rates:
    """Rates on held-out questions of thresholds tuned on the rest (stratified folds)."""
    labels = np.asarray(answerable, dtype=bool)
    values = np.asarray(scores)
    fold = np.zeros(len(values), dtype=int)
    for kind in (True, False):
        where = np.flatnonzero(labels == kind)
        fold[where] = np.arange(len(where)) % FOLDS
    answered = np.zeros(len(values), dtype=bool)
    for held in range(FOLDS):
        train = fold != held
        tuned = best_threshold(list(values[train]), list(labels[train]))
        answered[~train] = values[~train] >= tuned.threshold
    return Rates(float("nan"), float(answered[labels].mean()), float(answered[~labels].mean()))


def _describe(name: str, values: Sequence[float]) -> str:
    points = np.percentile(values, [0, 5, 25, 50, 75, 95, 100])
    shown = " ".join(f"{p:.3f}" for p in points)
    return f"{name:<12} n={len(values):>3}  min/p5/p25/median/p75/p95/max: {shown}"


def _histogram(answerable: Sequence[float], unanswerable: Sequence[float]) -> list[str]:
    edges = np.arange(0.0, 1.0001, 0.05)
    ans, _ = np.histogram(answerable, edges)
    unans, _ = np.histogram(unanswerable, edges)
    return [
        f"  {low:.2f}-{low + 0.05:.2f}  answerable {a:>3} {'#' * min(int(a), 40):<40}  "
        f"unanswerable {u:>3} {'x' * min(int(u), 40)}"
        for low, a, u in zip(edges[:-1], ans, unans, strict=True)
        if a or u
    ]


def _report(line: str, found: Rates) -> str:
    return (
        f"{line}: answer rate on answerable {found.answer_rate:.1%}, false-answer rate on "
        f"unanswerable {found.false_answer_rate:.1%}, balanced accuracy "
        f"{found.balanced_accuracy:.3f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--questions", type=Path, default=ROOT / "examples" / "questions.jsonl")
    parser.add_argument("--articles", type=Path, default=ROOT / "examples" / "articles")
    args = parser.parse_args(argv)

    from indexer.bootstrap import build
    from indexer.config import Settings

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch)
        services = build(Settings(data_dir=data_dir, _env_file=None))
        if args.data_dir is None or services.store.generation() == 0:
            services.indexing.sync_source(args.articles)
        rows = [json.loads(line) for line in args.questions.read_text().splitlines() if line]
        scores = [services.answers.retrieve(row["question"]).confidence for row in rows]
    labels = [bool(row["answerable"]) for row in rows]

    answerable = [s for s, label in zip(scores, labels, strict=True) if label]
    unanswerable = [s for s, label in zip(scores, labels, strict=True) if not label]
    print(_describe("answerable", answerable))
    print(_describe("unanswerable", unanswerable))
    print("\n".join(_histogram(answerable, unanswerable)))
    tuned = best_threshold(scores, labels)
    print(_report(f"best threshold {tuned.threshold:.4f}", tuned))
    default = rates(scores, labels, DEFAULT_ABSTAIN_BELOW)
    print(_report(f"current default {DEFAULT_ABSTAIN_BELOW}", default))
    print(_report(f"{FOLDS}-fold cross-validated", cross_validated(scores, labels)))
    missed = [r["question"] for r in rows if not r["answerable"]]
    closest = sorted(zip(unanswerable, missed, strict=True))
    print("unanswerable questions with the highest confidence:")
    for score, question in closest[-5:]:
        print(f"  {score:.3f}  {question}")


if __name__ == "__main__":
    main()
