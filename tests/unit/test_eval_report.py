from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval.chart import draw_chart
from eval.metrics import MEASURES
from eval.report import markdown_table, read_json, write_json
from eval.retrieval import MODES, run_retrieval_eval
from indexer.config import Settings
from tests.builders import (
    fake_model_services,
    question_line,
    sections,
    write_article,
    write_beir,
)


@pytest.fixture
def beir_report(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    folder = write_beir(tmp_path / "tiny")
    return run_retrieval_eval(folder, settings, build=fake_model_services)


def test_the_report_maps_each_mode_to_its_four_measures(beir_report: dict[str, Any]) -> None:
    metrics = beir_report["metrics"]

    assert set(metrics) == set(MODES)
    for values in metrics.values():
        assert set(values) == set(MEASURES)
        assert all(0.0 <= v <= 1.0 for v in values.values())
    assert metrics["bm25"]["recall@100"] == 1.0


def test_the_report_is_stamped_with_the_configuration_that_produced_it(
    beir_report: dict[str, Any], tmp_path: Path
) -> None:
    config = beir_report["configuration"]

    assert config["dataset"] == str((tmp_path / "tiny").resolve())
    assert config["dataset_kind"] == "beir" and config["split"] == "test"
    assert config["query_count"] == 3 and config["documents"] == 4
    assert config["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert (config["chunk_tokens"], config["overlap_tokens"]) == (200, 32)
    assert config["fusion"] == {
        "method": "article scores min-max scaled per side, weighted sum",
        "weights": {"dense": 0.5, "bm25": 0.5},
        "identifier_bonus": 0.5,
        "candidates_per_side": 300,
    }
    assert config["snapshot_generation"] == 1
    assert "git_commit" in config and config["date"].startswith("20")


def test_each_set_reports_latency_percentiles_per_mode(beir_report: dict[str, Any]) -> None:
    entry = beir_report["sets"]["tiny"]

    assert entry["queries"] == 3
    assert entry["metrics"] == beir_report["metrics"]
    assert set(entry["latency_ms"]) == set(MODES)
    assert set(entry["latency_ms"]["hybrid"]) == {"p50", "p95", "p99"}


def test_the_index_is_thrown_away_unless_it_is_kept(settings: Settings, tmp_path: Path) -> None:
    folder = write_beir(tmp_path / "tiny")
    kept = tmp_path / "kept"

    first = run_retrieval_eval(folder, settings, build=fake_model_services, keep_index=kept)
    again = run_retrieval_eval(folder, settings, build=fake_model_services, keep_index=kept)

    assert (kept / "footnote.db").is_file() and not settings.data_dir.exists()
    assert first["configuration"]["chunks_embedded"] > 0
    assert again["configuration"]["chunks_embedded"] == 0
    assert again["metrics"] == first["metrics"]


def test_a_publication_reports_a_set_per_question_file_and_the_first_on_top(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "ledger"
    write_article(folder / "articles", "redis-caching", sections("Expiry", "Stampedes"))
    write_article(folder / "articles", "celery-retries", sections("Backoff"))
    (folder / "questions.jsonl").write_text(question_line("a", True, "redis-caching"))
    (folder / "queries").mkdir()
    (folder / "queries" / "words.jsonl").write_text(question_line("b", True, "celery-retries"))

    report = run_retrieval_eval(folder, settings, build=fake_model_services)

    assert list(report["sets"]) == ["ledger", "ledger-words"]
    assert report["metrics"] == report["sets"]["ledger"]["metrics"]
    assert report["configuration"]["query_count"] == 2


def test_the_markdown_table_has_a_row_per_set_and_mode(beir_report: dict[str, Any]) -> None:
    table = markdown_table(beir_report)

    assert "| set | mode | queries | nDCG@10 | Recall@10 | Recall@100 | MRR@10 |" in table
    rows = [line for line in table.splitlines() if line.startswith("| tiny |")]
    assert [row.split(" | ")[1] for row in rows] == list(MODES)


def test_the_report_round_trips_through_its_json_file_and_draws_a_png(
    beir_report: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "out" / "retrieval.json"

    write_json(beir_report, path)
    draw_chart(beir_report, path.with_suffix(".png"))

    assert read_json(path) == beir_report
    assert path.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
