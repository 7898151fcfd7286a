"""The answer evaluation's report: questions read with their style, one row per style with
near misses apart, and the table the command prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.answer_report import answer_metrics, group_metrics
from eval.answers import Outcome
from eval.labelled_questions import LabelledQuestion, read_labelled_questions
from eval.model import DatasetError
from indexer.model import Answer, Citation, Hit


def cited(article: str) -> Answer:
    hit = Hit(1, article, "T", None, None, None, "Some passage text.", 0, 18, 1.0)
    return Answer("q", "Some passage text. [1]", "extractive", (Citation.of(1, hit),), (hit,))


ABSTAINED = Answer("q", "The articles don't answer this question.", "abstained")


def outcome(style: str | None, answerable: bool, answer: Answer) -> Outcome:
    relevant = frozenset({"right"}) if answerable else frozenset()
    return Outcome(LabelledQuestion("id", "q", answerable, relevant, style), answer, 10.0)


def test_questions_are_read_with_their_style_and_bad_lines_named(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    rows = [
        {"id": "1", "question": "a?", "answerable": False, "style": "near_miss"},
        {"id": "2", "question": "b?", "answerable": True, "relevant": [{"slug": "x"}]},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows) + "{oops\n")
    with pytest.raises(DatasetError, match=r"questions.jsonl:3"):
        read_labelled_questions(path)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    near, plain = read_labelled_questions(path)
    assert (near.style, near.group) == ("near_miss", "near_miss")
    assert (plain.style, plain.group) == (None, "answerable")


def test_each_style_is_a_row_with_near_misses_apart_from_other_unanswerables() -> None:
    outcomes = [
        outcome("typo", True, cited("right")),
        outcome("typo", True, cited("wrong")),
        outcome("typo", True, ABSTAINED),
        outcome("near_miss", False, cited("any")),
        outcome("near_miss", False, ABSTAINED),
        outcome("unanswerable", False, ABSTAINED),
    ]
    rows = {row["group"]: row for row in group_metrics(outcomes)}
    assert [row["group"] for row in group_metrics(outcomes)] == [
        "typo",
        "near_miss",
        "unanswerable",
    ]
    assert rows["typo"]["answered"] == pytest.approx(2 / 3, abs=1e-4)
    assert rows["typo"]["citation_precision"] == 0.5
    assert rows["near_miss"]["answered"] == 0.5 and rows["near_miss"]["citation_precision"] is None
    assert rows["unanswerable"]["answered"] == 0.0
    metrics = answer_metrics(outcomes)
    assert metrics["false_answer_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["citation_validity"] == 1.0
