"""Scoring answers for the local-model benchmark (`eval.llm_answers`): the labelled questions,
what became of each, and the figures over them.

- answered: answerable questions given an answer (by the model, or quoted when its reply
  cited nothing it was given); refused by the model: answerable questions that passed the
  retrieval gate and that the model then declined (the sentinel) or garbled (an echo);
- false answers: unanswerable questions answered anyway (near misses counted apart);
- citation validity: of the `[n]` markers left in the answers, the share that resolve to a
  supplied passage (anything under 100% is a bug); citation precision: of the citations of
  answered answerable questions, the share into an article labelled relevant;
- times: to the model's first token, to the first text shown, and in total, over the
  questions that reached the model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.metrics import latency_percentiles
from eval.model import DatasetError
from indexer.answering.citations import cited_numbers
from indexer.model import Answer


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    style: str
    relevant: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    question: Question
    answer: Answer
    model_called: bool
    first_token_ms: float | None
    first_text_ms: float | None
    total_ms: float
    error: str | None = None

    @property
    def answered(self) -> bool:
        return self.error is None and self.answer.kind != "abstained"

    @property
    def markers(self) -> tuple[int, ...]:
        return cited_numbers(self.answer.text)

    @property
    def valid_markers(self) -> int:
        supplied = {hit.chunk_id for hit in self.answer.sources}
        citations = self.answer.citations
        return sum(
            1
            for n in self.markers
            if 1 <= n <= len(citations) and citations[n - 1].chunk_id in supplied
        )


def read_questions(path: Path) -> list[Question]:
    """Every labelled question of `path`. Raises DatasetError naming the line."""
    rows: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answerable = bool(row["answerable"])
            rows.append(
                Question(
                    id=str(row["id"]),
                    question=str(row["question"]),
                    answerable=answerable,
                    style=str(row.get("style") or ("answerable" if answerable else "unanswerable")),
                    relevant=frozenset(str(item["slug"]) for item in row.get("relevant") or []),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DatasetError(
                f"{path}:{number}: expected {{id, question, answerable, relevant: [{{slug}}]}}"
            ) from exc
    if not rows:
        raise DatasetError(f"{path}: no questions")
    return rows


def spread_sample(questions: Sequence[Question], per_style: int | None) -> list[Question]:
    """At most `per_style` questions of each style, spread evenly over the file (questions
    are grouped by article, so the first few would all ask about one)."""
    if per_style is None:
        return list(questions)
    chosen: list[Question] = []
    for style in dict.fromkeys(q.style for q in questions):
        group = [q for q in questions if q.style == style]
        step = max(1, len(group) // per_style)
        chosen.extend(group[::step][:per_style])
    return sorted(chosen, key=lambda q: q.id)


def summarise(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    answered = [o for o in answerable if o.answered]
    citations = sum(len(o.answer.citations) for o in answered)
    reached = [o for o in outcomes if o.model_called]
    styles = dict.fromkeys(o.question.style for o in outcomes)
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "answer_rate": _share(len(answered), len(answerable)),
        "answered_by_the_model": sum(1 for o in answered if o.answer.kind == "llm"),
        "answered_by_quoting": sum(1 for o in answered if o.answer.kind == "extractive"),
        "refused_by_the_model": sum(1 for o in answerable if o.model_called and not o.answered),
        "unanswerable": len(unanswerable),
        "false_answer_rate": _share(sum(1 for o in unanswerable if o.answered), len(unanswerable)),
        "by_style": {
            style: _share(
                sum(1 for o in outcomes if o.question.style == style and o.answered),
                sum(1 for o in outcomes if o.question.style == style),
            )
            for style in styles
        },
        "citation_validity": _share(
            sum(o.valid_markers for o in outcomes), sum(len(o.markers) for o in outcomes)
        ),
        "citation_precision": _share(
            sum(
                1
                for o in answered
                for c in o.answer.citations
                if c.article_id in o.question.relevant
            ),
            citations,
        ),
        "reached_the_model": len(reached),
        "model_errors": sum(1 for o in outcomes if o.error is not None),
        "first_token_ms": _percentiles([o.first_token_ms for o in reached]),
        "first_text_ms": _percentiles([o.first_text_ms for o in reached]),
        "total_ms": _percentiles([o.total_ms for o in reached]),
        "total_ms_all": _percentiles([o.total_ms for o in outcomes]),
    }


def outcome_row(outcome: Outcome) -> dict[str, Any]:
    answer = outcome.answer
    return {
        "id": outcome.question.id,
        "style": outcome.question.style,
        "answerable": outcome.question.answerable,
        "kind": "error" if outcome.error else answer.kind,
        "error": outcome.error,
        "model_called": outcome.model_called,
        "confidence": round(answer.confidence, 4),
        "text": answer.text,
        "cited": sorted({c.article_id for c in answer.citations}),
        "removed_markers": list(answer.removed_markers),
        "first_token_ms": outcome.first_token_ms,
        "total_ms": round(outcome.total_ms, 1),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percentiles(values: Sequence[float | None]) -> dict[str, float]:
    present = [v for v in values if v is not None]
    return {k: round(v, 1) for k, v in latency_percentiles(present).items()}
