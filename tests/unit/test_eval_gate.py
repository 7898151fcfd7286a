from __future__ import annotations

import json
from typing import Any

from eval.datasets import PROJECT_ROOT
from eval.gate import compare_reports, gate_passes, gate_table


def report(**sets: dict[str, float]) -> dict[str, Any]:
    entries = {
        name: {"metrics": {mode: {"ndcg@10": value} for mode, value in modes.items()}}
        for name, modes in sets.items()
    }
    first = next(iter(entries.values()))["metrics"]
    return {"sets": entries, "metrics": first}


BASELINE = report(sample={"bm25": 0.90, "dense": 0.80, "hybrid": 0.92}, extra={"hybrid": 0.5})


def test_a_drop_of_up_to_the_tolerance_passes() -> None:
    current = report(sample={"bm25": 0.88, "dense": 0.85, "hybrid": 0.92}, extra={"hybrid": 0.5})

    rows = compare_reports(BASELINE, current)

    assert gate_passes(rows)
    assert {row.status for row in rows} == {"ok"}


def test_a_drop_beyond_the_tolerance_fails_on_that_set_and_mode() -> None:
    current = report(sample={"bm25": 0.90, "dense": 0.77, "hybrid": 0.92}, extra={"hybrid": 0.5})

    rows = compare_reports(BASELINE, current)

    assert not gate_passes(rows)
    assert [(r.set_name, r.mode) for r in rows if r.status == "regressed"] == [("sample", "dense")]


def test_a_set_or_mode_missing_from_the_current_report_fails() -> None:
    current = report(sample={"bm25": 0.90, "hybrid": 0.92})

    rows = compare_reports(BASELINE, current)

    missing = {(r.set_name, r.mode) for r in rows if r.status == "missing"}
    assert missing == {("sample", "dense"), ("extra", "hybrid")}
    assert not gate_passes(rows)


def test_rows_only_in_the_current_report_are_new_and_never_fail() -> None:
    current = report(
        sample={"bm25": 0.9, "dense": 0.8, "hybrid": 0.92},
        extra={"hybrid": 0.5},
        more={"bm25": 0.1},
    )

    rows = compare_reports(BASELINE, current)

    assert gate_passes(rows)
    assert [r.status for r in rows if r.set_name == "more"] == ["new"]


def test_a_report_without_sets_is_compared_by_its_top_level_metrics() -> None:
    flat = {"metrics": {"hybrid": {"ndcg@10": 0.70}}}

    rows = compare_reports(flat, {"metrics": {"hybrid": {"ndcg@10": 0.60}}})

    assert [(r.set_name, r.status) for r in rows] == [("main", "regressed")]


def test_the_table_shows_every_row_with_baseline_current_and_delta() -> None:
    current = report(sample={"bm25": 0.90, "dense": 0.77, "hybrid": 0.95}, extra={"hybrid": 0.5})

    table = gate_table(compare_reports(BASELINE, current))

    assert "| sample | dense | 0.8000 | 0.7700 | -0.0300 | REGRESSED |" in table
    assert "| sample | hybrid | 0.9200 | 0.9500 | +0.0300 | ok |" in table
    assert sum(line.startswith("| ") for line in table.splitlines()) == 2 + 4
    assert table.endswith("gate FAILED: 1 of 4 rows regressed or missing")


def test_the_committed_baseline_covers_the_sample_and_the_classic_collections() -> None:
    baseline = json.loads((PROJECT_ROOT / "eval" / "baselines" / "retrieval.json").read_text())

    rows = compare_reports(baseline, baseline)

    assert gate_passes(rows) and len(rows) == 6 * 3
    assert list(baseline["datasets"]) == ["examples", "cisi", "med", "cacm"]
    paths = [d["configuration"]["dataset"] for d in baseline["datasets"].values()]
    classic = [f"../shared/datasets/classic/{name}" for name in ("cisi", "med", "cacm")]
    assert paths == ["examples", *classic]
    assert baseline["metrics"] == baseline["sets"]["sample"]["metrics"]


def test_a_set_whose_dataset_is_unavailable_is_skipped_not_failed() -> None:
    current = report(sample={"bm25": 0.90, "dense": 0.80, "hybrid": 0.92})

    rows = compare_reports(BASELINE, current, unavailable={"extra"})

    assert gate_passes(rows)
    assert [(r.set_name, r.status) for r in rows if r.set_name == "extra"] == [("extra", "skipped")]
    assert "skipped (dataset not available here): extra" in gate_table(rows)
