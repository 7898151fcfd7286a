"""The `footnote` console script, run as a user runs it, with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import footnote, sections, write_article

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    source = root / "articles"
    write_article(source, "redis-caching", sections("Expiry", "Stampedes"))
    write_article(source, "celery-retries", sections("Backoff", "Idempotency"))
    (source / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    return source, root / "data"


def test_index_reports_a_bad_file_by_path_indexes_the_rest_and_exits_1(
    corpus: tuple[Path, Path],
) -> None:
    source, data = corpus
    run = footnote("index", str(source), "--data-dir", str(data), "--json")
    assert run.returncode == 1, run.stderr
    summary = json.loads(run.stdout)
    assert summary["added"] == 2 and summary["failed"] == 1
    assert "broken.md" in summary["failures"][0]
    assert summary["chunks_embedded"] == summary["chunks_total"] > 0

    human = footnote("index", str(source), "--data-dir", str(data))
    assert "0 chunks embedded" in human.stdout and "2 unchanged" in human.stdout
    assert "broken.md" in human.stderr


def test_search_prints_passages_with_title_heading_and_score(corpus: tuple[Path, Path]) -> None:
    source, data = corpus
    footnote("index", str(source), "--data-dir", str(data))
    run = footnote("search", "Backoff sentence", "--data-dir", str(data), "--json", "-k", "2")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["hits"][0]["article_id"] == "celery-retries"
    assert result["hits"][0]["heading"] == "Backoff"
    text = footnote("search", "Stampedes", "--data-dir", str(data)).stdout
    assert text.startswith("1. Redis Caching  [")
    assert "§ Stampedes  " in text


def test_search_without_a_query_reads_one_query_per_line(corpus: tuple[Path, Path]) -> None:
    source, data = corpus
    footnote("index", str(source), "--data-dir", str(data))
    run = footnote("search", "--data-dir", str(data), "-k", "1", stdin="Expiry\n\nIdempotency\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("1. ") == 2


def test_check_reports_a_consistent_index(corpus: tuple[Path, Path]) -> None:
    source, data = corpus
    footnote("index", str(source), "--data-dir", str(data))
    run = footnote("check", "--data-dir", str(data), "--json")
    assert run.returncode == 0
    assert json.loads(run.stdout)["ok"] is True


def test_clear_errors_for_a_missing_source_and_an_empty_index(tmp_path: Path) -> None:
    missing = footnote("index", str(tmp_path / "nope"), "--data-dir", str(tmp_path / "d"))
    assert missing.returncode == 2
    assert "nope: no such file or directory" in missing.stderr
    empty = footnote("search", "anything", "--data-dir", str(tmp_path / "d"))
    assert empty.returncode == 2
    assert "run `footnote index PATH` first" in empty.stderr
    bad = footnote("search", "   ", "--data-dir", str(tmp_path / "d"))
    assert bad.returncode == 2 and "empty" in bad.stderr
