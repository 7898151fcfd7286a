"""The answerability model's fitting procedure, and its cross-validation.

Standardised signals (`indexer.answering.evidence`), L2-regularised logistic regression
(scikit-learn) with the classes weighted to balance (unanswerable questions are few),
answering at p >= 0.5. `cross_validated_answers` decides each question with a model fitted
without it (stratified k-fold, repeated with reshuffled folds): the only honest figures on
questions the model was fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.preprocessing import StandardScaler

from eval.labelled_questions import LabelledQuestion
from indexer.answering.answerability import AnswerabilityModel
from indexer.answering.evidence import Evidence

# The signals the model weighs: how much of the question's rare-term weight the cited
# passages hold (support), how much of it is specific terms they lack (specific_missing),
# how much closer in meaning the best article is than the next (margin), the plain share of
# terms in the top passage (top_share) and how close in meaning their best sentences come
# (sentence_cosine). Chosen by forward selection on cross-validated log-loss over the
# development questions among the `Evidence` signals and others tried (README: Answers
# with citations); the rest (cosine, elsewhere, worst_gap, BM25 scores, agreement of the
# dense and keyword rankings) added less than 0.002 each.
SIGNALS = ("support", "specific_missing", "margin", "top_share", "sentence_cosine")
REGULARISATION = 1.0  # scikit-learn's C: the inverse strength of the L2 penalty
THRESHOLD = 0.5
FOLDS = 5
# A declined question is quoted only where the evidence alone answers at most this share of
# near misses: the bound on unanswerable questions answered (10%).
NEAR_MISS_LIMIT = 0.10
BAR_STEP = 0.05


@dataclass(frozen=True)
class Fitted:
    scaler: StandardScaler
    regression: LogisticRegression

    def probabilities(self, signals: np.ndarray) -> np.ndarray:
        return np.asarray(self.regression.predict_proba(self.scaler.transform(signals))[:, 1])


def signal_matrix(evidence: Sequence[Evidence]) -> np.ndarray:
    """(questions, SIGNALS)."""
    return np.array([[getattr(e, name) for name in SIGNALS] for e in evidence])


def fit(signals: np.ndarray, answerable: np.ndarray) -> Fitted:
    """Fit on a `signal_matrix` and its labels."""
    scaler = StandardScaler().fit(signals)
    regression = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=1000)
    regression.fit(scaler.transform(signals), answerable)
    return Fitted(scaler, regression)


def as_model(fitted: Fitted, note: str, fitted_on: tuple[str, ...]) -> AnswerabilityModel:
    """The fitted pipeline as weights on the raw signals (the standardisation folded in)."""
    weights = fitted.regression.coef_[0] / fitted.scaler.scale_
    intercept = float(fitted.regression.intercept_[0] - np.sum(weights * fitted.scaler.mean_))
    return AnswerabilityModel(
        features=SIGNALS,
        weights=tuple(round(float(w), 4) for w in weights),
        intercept=round(intercept, 4),
        threshold=THRESHOLD,
        fitted=note,
        fitted_on=fitted_on,
    )


def cross_validated_probabilities(
    signals: np.ndarray, answerable: np.ndarray, repeats: int = 1, seed: int = 0
) -> np.ndarray:
    """(repeats, questions): each question's probability under the model fitted on the
    other folds, for each repeat of a stratified `FOLDS`-fold split."""
    splitter = RepeatedStratifiedKFold(n_splits=FOLDS, n_repeats=repeats, random_state=seed)
    probabilities = np.zeros((repeats, len(answerable)))
    for index, (train, held) in enumerate(splitter.split(signals, answerable)):
        fitted = fit(signals[train], answerable[train])
        probabilities[index // FOLDS, held] = fitted.probabilities(signals[held])
    return probabilities


def cross_validated_answers(
    signals: np.ndarray, answerable: np.ndarray, repeats: int = 1, seed: int = 0
) -> np.ndarray:
    """(repeats, questions): whether each question is answered by the model fitted on the
    other folds, for each repeat of a stratified `FOLDS`-fold split."""
    return cross_validated_probabilities(signals, answerable, repeats, seed) >= THRESHOLD


def quote_when_declined_bar(
    probabilities: np.ndarray, near_miss: np.ndarray, limit: float = NEAR_MISS_LIMIT
) -> float:
    """The lowest probability, in steps of `BAR_STEP` from the threshold, at which the
    cross-validated `probabilities` answer at most `limit` of the near misses: where the
    evidence alone is trusted over a language model that declines."""
    bar = THRESHOLD
    while bar < 1.0 and (probabilities[:, near_miss] >= bar).mean() > limit:
        bar = round(bar + BAR_STEP, 4)
    return min(bar, 1.0)


def group_rows(
    questions: Sequence[LabelledQuestion], answered: np.ndarray
) -> list[tuple[str, int, float, float]]:
    """(group, questions, mean share answered, its standard deviation over the repeats),
    per style (or answerable / unanswerable) and for all answerable and all unanswerable."""
    groups: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        groups.setdefault(question.group, []).append(index)
    labels = np.array([q.answerable for q in questions])
    groups["all answerable"] = [int(i) for i in np.flatnonzero(labels)]
    groups["all unanswerable"] = [int(i) for i in np.flatnonzero(~labels)]
    rows = []
    for name, members in groups.items():
        if members:
            shares = answered[:, members].mean(axis=1)
            rows.append((name, len(members), float(shares.mean()), float(shares.std())))
    return rows
