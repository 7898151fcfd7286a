from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.beir import article_record, load_beir, read_qrels
from eval.model import DatasetError
from indexer.ingest import load_source

DOCS = [
    ("d1", "Redis caching", "Cache-aside keeps hot keys in Redis with a TTL and jitter."),
    ("d2", "Celery retries", "Retry failed Celery tasks with exponential backoff and acks_late."),
    ("d3", "Postgres locks", "Row locks and SELECT FOR UPDATE serialise competing writers."),
    ("d4", "", "Docker compose brings up the development stack with one command."),
]
QUERIES = {
    "q1": "how do I cache keys in redis with a ttl",
    "q2": "retry celery tasks with backoff",
    "q3": "serialise writers with row locks",
    "q9": "a query nobody judged",
}
QRELS = [("q1", "d1", 1), ("q2", "d2", 2), ("q3", "d3", 1), ("q3", "d4", 0)]


def write_beir(folder: Path) -> Path:
    """A tiny BEIR folder: four documents (one untitled), three judged queries."""
    (folder / "qrels").mkdir(parents=True)
    corpus = [{"_id": i, "title": t, "text": x} for i, t, x in DOCS]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(row) + "\n" for row in corpus))
    queries = [{"_id": i, "text": t} for i, t in QUERIES.items()]
    (folder / "queries.jsonl").write_text("".join(json.dumps(row) + "\n" for row in queries))
    lines = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in QRELS)]
    (folder / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n")
    return folder


def test_a_beir_folder_becomes_one_set_of_its_judged_queries(tmp_path: Path) -> None:
    dataset = load_beir(write_beir(tmp_path / "tiny"), tmp_path / "work")

    assert dataset.name == "tiny" and dataset.kind == "beir" and dataset.ignore_identical_ids
    (only,) = dataset.sets
    assert only.queries == {q: QUERIES[q] for q in ("q1", "q2", "q3")}
    assert only.qrels == {"q1": {"d1": 1}, "q2": {"d2": 2}, "q3": {"d3": 1}}


def test_the_converted_corpus_is_read_by_the_projects_own_jsonl_loader(tmp_path: Path) -> None:
    dataset = load_beir(write_beir(tmp_path / "tiny"), tmp_path / "work")

    loaded = load_source(dataset.source)

    assert not loaded.failures
    assert [a.id for a in loaded.articles] == ["d1", "d2", "d3", "d4"]
    assert loaded.articles[1].title == "Celery retries"
    assert loaded.articles[1].text == DOCS[1][2]


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
    assert dataset.sets[0].queries == {"q2": QUERIES["q2"]}
