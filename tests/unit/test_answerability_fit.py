"""Fitting the answerability model: the stored weights reproduce the fitted pipeline, and
cross-validation decides every question in every repeat."""

from __future__ import annotations

import numpy as np
import pytest

from eval.answerability_fit import (
    SIGNALS,
    as_model,
    cross_validated_answers,
    fit,
    group_rows,
    quote_when_declined_bar,
    signal_matrix,
)
from eval.labelled_questions import LabelledQuestion
from indexer.answering.evidence import FEATURES, Evidence


def evidence(rng: np.random.Generator, answerable: bool) -> Evidence:
    values = {name: float(rng.uniform(0.2, 0.6)) for name in FEATURES}
    # Answerable questions' passages hold their rare terms; the others lack one.
    values["support"] = float(rng.uniform(0.6, 1.0) if answerable else rng.uniform(0.0, 0.5))
    values["worst_gap"] = float(rng.uniform(0.0, 0.3) if answerable else rng.uniform(0.6, 1.0))
    return Evidence(**values)


@pytest.fixture
def labelled() -> tuple[list[Evidence], np.ndarray]:
    rng = np.random.default_rng(7)
    labels = np.array([True] * 60 + [False] * 20)
    return [evidence(rng, bool(label)) for label in labels], labels


def test_the_stored_weights_give_the_fitted_pipelines_probabilities(
    labelled: tuple[list[Evidence], np.ndarray],
) -> None:
    found, labels = labelled
    signals = signal_matrix(found)
    fitted = fit(signals, labels)
    model = as_model(fitted, "test", ("questions.jsonl",))
    assert model.features == SIGNALS and model.fitted_on == ("questions.jsonl",)
    stored = [model.probability(e) for e in found]
    assert stored == pytest.approx(list(fitted.probabilities(signals)), abs=1e-3)


def test_cross_validation_decides_separable_questions_right_in_every_repeat(
    labelled: tuple[list[Evidence], np.ndarray],
) -> None:
    found, labels = labelled
    answered = cross_validated_answers(signal_matrix(found), labels, repeats=3)
    assert answered.shape == (3, len(labels))
    assert (answered == labels).all()


def test_rows_report_each_style_and_the_near_misses_apart() -> None:
    questions = [
        LabelledQuestion("a", "q", True, frozenset({"x"}), "typo"),
        LabelledQuestion("b", "q", True, frozenset({"x"})),
        LabelledQuestion("c", "q", False, frozenset(), "near_miss"),
        LabelledQuestion("d", "q", False, frozenset()),
    ]
    answered = np.array([[True, False, True, False], [True, True, False, False]])
    rows = {name: (count, mean) for name, count, mean, _ in group_rows(questions, answered)}
    assert rows["typo"] == (1, 1.0) and rows["answerable"] == (1, 0.5)
    assert rows["near_miss"] == (1, 0.5) and rows["unanswerable"] == (1, 0.0)
    assert rows["all answerable"] == (2, 0.75) and rows["all unanswerable"] == (2, 0.25)


def test_the_declined_quote_bar_is_the_lowest_step_that_keeps_near_misses_under_the_limit() -> None:
    # Two repeats of five questions; the last three are near misses.
    probabilities = np.array([[0.9, 0.8, 0.72, 0.66, 0.52], [0.9, 0.8, 0.74, 0.61, 0.5]])
    near_miss = np.array([False, False, True, True, True])
    # At 0.5 all six near-miss decisions answer, at 0.65 three of six, at 0.7 two of six
    # (1/3), at 0.75 none.
    assert quote_when_declined_bar(probabilities, near_miss, limit=0.5) == 0.65
    assert quote_when_declined_bar(probabilities, near_miss, limit=0.34) == 0.7
    assert quote_when_declined_bar(probabilities, near_miss, limit=0.0) == 0.75
    assert quote_when_declined_bar(np.full((1, 2), 0.999), np.array([True, True])) == 1.0
