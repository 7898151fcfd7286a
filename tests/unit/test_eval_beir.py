from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.beir import article_record, load_beir, read_qrels
from eval.model import DatasetError
from indexer.ingest import load_source
from tests.builders import BEIR_DOCS, BEIR_QUERIES, write_beir


def test_a_beir_folder_becomes_one_set_of_its_judged_queries(tmp_path: Path) -> None:
    dataset = load_beir(write_beir(tmp_path / "tiny"), tmp_path / "work")

    assert dataset.name == "tiny" and dataset.kind == "beir" and dataset.ignore_identical_ids
    (only,) = dataset.sets
    assert only.queries == {q: BEIR_QUERIES[q] for q in ("q1", "q2", "q3")}
    assert only.qrels == {"q1": {"d1": 1}, "q2": {"d2": 2}, "q3": {"d3": 1}}


def test_the_converted_corpus_is_read_by_the_projects_own_jsonl_loader(tmp_path: Path) -> None:
    dataset = load_beir(write_beir(tmp_path / "tiny"), tmp_path / "work")

    loaded = load_source(dataset.source)

    assert not loaded.failures
    assert [a.id for a in loaded.articles] == ["d1", "d2", "d3", "d4"]
    assert loaded.articles[1].title == "Celery retries"
    assert loaded.articles[1].text == BEIR_DOCS[1][2]


def test_a_document_without_a_title_is_titled_by_its_id() -> None:
    record = article_record({"_id": 7, "title": " ", "text": "body"})

    assert record == {"id": "7", "title": "7", "body": "body", "format": "markdown"}


def test_a_body_that_looks_like_html_is_kept_as_written() -> None:
    record = article_record({"_id": "x", "title": "T", "text": "<p>kept</p>"})

    assert record["format"] == "markdown" and record["body"] == "<p>kept</p>"


def test_qrels_parsing_skips_the_header_and_judgements_of_non_relevance(tmp_path: Path) -> None:
    path = tmp_path / "test.tsv"
    path.write_text("query-id\tcorpus-id\tscore\n1\ta\t1\n1\tb\t0\n2\tc\t2\n\n")

    assert read_qrels(path) == {"1": {"a": 1}, "2": {"c": 2}}


def test_a_malformed_qrels_line_is_reported_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "test.tsv"
    path.write_text("query-id\tcorpus-id\tscore\n1\ta\t1\n1 b 1\n")

    with pytest.raises(DatasetError, match=r"test.tsv:3"):
        read_qrels(path)


def test_a_judged_query_missing_from_queries_jsonl_is_an_error(tmp_path: Path) -> None:
    folder = write_beir(tmp_path / "tiny")
    (folder / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "x"}) + "\n")

    with pytest.raises(DatasetError, match="2 judged queries are missing"):
        load_beir(folder, tmp_path / "work")


def test_another_split_is_read_from_its_own_qrels_file_and_named_after_it(
    tmp_path: Path,
) -> None:
    folder = write_beir(tmp_path / "tiny")
    (folder / "qrels" / "dev.tsv").write_text("q2\td2\t1\n")

    dataset = load_beir(folder, tmp_path / "work", split="dev")

    assert dataset.name == "tiny-dev" and dataset.split == "dev"
    assert dataset.sets[0].queries == {"q2": BEIR_QUERIES["q2"]}
