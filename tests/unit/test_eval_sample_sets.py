from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import SAMPLE, dataset_folder, open_dataset
from eval.model import DatasetError
from eval.sample_sets import load_publication, read_question_set
from tests.builders import question_line


def test_only_answerable_questions_count_each_relevant_to_the_articles_it_lists(
    tmp_path: Path,
) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(
        question_line("a", True, "x", "y")
        + question_line("b", False)
        + question_line("c", True, "z")
    )

    questions = read_question_set(path, "mine")

    assert questions.name == "mine"
    assert questions.queries == {"a": "question a", "c": "question c"}
    assert questions.qrels == {"a": {"x": 1, "y": 1}, "c": {"z": 1}}


def test_a_line_without_a_question_is_reported_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(question_line("a", True, "x") + json.dumps({"id": "b"}) + "\n")

    with pytest.raises(DatasetError, match=r"questions.jsonl:2"):
        read_question_set(path, "mine")


def test_the_bundled_sample_has_the_main_identifier_and_recency_sets() -> None:
    dataset = load_publication(SAMPLE)

    assert dataset.kind == "publication" and dataset.source == SAMPLE / "articles"
    assert [s.name for s in dataset.sets] == ["sample", "sample-identifiers", "sample-recency"]
    assert [len(s.queries) for s in dataset.sets] == [207, 65, 33]
    slugs = {p.stem for p in (SAMPLE / "articles").glob("*.md")}
    assert all(set(judged) <= slugs for s in dataset.sets for judged in s.qrels.values())


def test_another_publication_names_its_sets_after_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    (folder / "articles").mkdir(parents=True)
    (folder / "questions.jsonl").write_text(question_line("a", True, "x"))

    assert [s.name for s in load_publication(folder).sets] == ["ledger"]


def test_a_folder_of_neither_kind_is_not_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a dataset"):
        open_dataset(tmp_path, tmp_path / "work")


def test_examples_names_the_bundled_sample_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert dataset_folder(None) == SAMPLE
    assert dataset_folder(Path("examples")).resolve() == SAMPLE.resolve()
