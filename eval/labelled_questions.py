"""Labelled reader questions for answer evaluation: answerable or not, with relevant articles
and, when the set labels it, the style of asking (paraphrase, typo, near_miss, ...).

A publication folder's questions are `questions.jsonl` plus, when present,
`questions-dev-extra.jsonl` and `questions-dev-extra-2.jsonl` (further development questions,
written for fitting the answerability model). A test set (`questions-blind*.jsonl`) is never
read by default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eval.model import DatasetError
from eval.sample_sets import QUESTIONS

DEV_EXTRA = ("questions-dev-extra.jsonl", "questions-dev-extra-2.jsonl")


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    question: str
    answerable: bool
    relevant: frozenset[str]
    style: str | None = None  # how it is asked (paraphrase, typo, near_miss, ...), when labelled

    @property
    def group(self) -> str:
        """The row it is reported in: its style, else answerable / unanswerable."""
        if self.style:
            return self.style
        return "answerable" if self.answerable else "unanswerable"


def development_files(folder: Path) -> list[Path]:
    """The development question files of a publication folder."""
    return [p for p in (folder / QUESTIONS, *(folder / name for name in DEV_EXTRA)) if p.is_file()]


def read_labelled_questions(path: Path) -> list[LabelledQuestion]:
    """Every question of `path`, answerable or not. Raises DatasetError naming the line."""
    rows: list[LabelledQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = LabelledQuestion(
                id=str(row["id"]),
                question=str(row["question"]),
                answerable=bool(row["answerable"]),
                relevant=frozenset(str(item["slug"]) for item in row.get("relevant") or []),
                style=str(row["style"]) if row.get("style") else None,
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise DatasetError(
                f"{path}:{number}: expected {{id, question, answerable, relevant: [{{slug}}]}}"
            ) from exc
        if question.answerable and not question.relevant:
            raise DatasetError(f"{path}:{number}: an answerable question needs relevant slugs")
        rows.append(question)
    if not rows:
        raise DatasetError(f"{path}: no questions")
    return rows
