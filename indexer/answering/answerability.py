"""Answerability: the probability that the cited passages answer the question, from evidence.

A logistic regression over the signals of `indexer.answering.evidence`:

    p = 1 / (1 + exp(-(intercept + sum(weight_i * signal_i))))

answered when p >= threshold. The numbers below are fitted by `python -m eval.calibration` on
the development questions (`examples/questions.jsonl` and `examples/questions-dev-extra*.jsonl`)
with the bundled model; that command also prints the only figures worth quoting, the
cross-validated ones (the fitted model's figures on the questions it was fitted on are
optimistic). `Settings.abstain_below` overrides the threshold; refit for another model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from indexer.answering.evidence import FEATURES, Evidence


@dataclass(frozen=True)
class AnswerabilityModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]  # per feature, on the raw signals
    intercept: float
    threshold: float
    fitted: str  # when and by which command
    fitted_on: tuple[str, ...] = ()  # the question files, relative to the project

    def probability(self, evidence: Evidence) -> float:
        values = dict(zip(FEATURES, evidence.values(), strict=True))
        score = self.intercept + sum(
            weight * values[name] for name, weight in zip(self.features, self.weights, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-score))


# Fitted on the development questions with the bundled all-MiniLM-L6-v2 (int8 runtime);
# README's answer section has the cross-validated figures.
FITTED = AnswerabilityModel(
    features=("support", "specific_missing", "margin", "top_share", "sentence_cosine"),
    weights=(1.5208, -6.2878, 7.8228, 4.2657, 6.5159),
    intercept=-6.0576,
    threshold=0.5,
    fitted="2026-12-05: python -m eval.calibration --repeats 20",
    fitted_on=(
        "examples/questions.jsonl",
        "examples/questions-dev-extra.jsonl",
        "examples/questions-dev-extra-2.jsonl",
    ),
)

# With a language model: when it declines (replies the sentinel) a question whose probability
# is at least this, the answer quotes the passages instead. Printed by `python -m
# eval.calibration`: the lowest probability at which the evidence alone answers at most 10% of
# the development near misses under cross-validation. 1 would never quote.
QUOTE_WHEN_DECLINED_ABOVE = 0.75
