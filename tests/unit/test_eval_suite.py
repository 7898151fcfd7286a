from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval.gate import compare_reports, gate_passes
from eval.model import DatasetError
from eval.suite import baseline_datasets, classic_folders, combine, suite_table

MEASURES = ("ndcg@10", "recall@10", "recall@100", "mrr@10")


def single(dataset: str, **sets: dict[str, float]) -> dict[str, Any]:
    entries = {
        name: {
            "queries": 3,
            "metrics": {mode: dict.fromkeys(MEASURES, v) for mode, v in modes.items()},
            "latency_ms": {},
        }
        for name, modes in sets.items()
    }
    first = next(iter(entries.values()))
    config = {
        "dataset": dataset,
        "split": "test",
        "model": "m",
        "chunk_tokens": 200,
        "fusion": {"method": "x", "weights": {"dense": 0.5}},
    }
    return {
        "kind": "footnote-retrieval-eval",
        "configuration": config,
        "sets": entries,
        "metrics": first["metrics"],
        "latency_ms": {},
    }


SAMPLE = single(
    "examples",
    sample={"bm25": 0.9, "dense": 0.8, "hybrid": 0.95},
    ids={"bm25": 1.0, "dense": 0.6, "hybrid": 1.0},
)
CISI = single("../shared/datasets/classic/cisi", cisi={"bm25": 0.3, "dense": 0.4, "hybrid": 0.45})


def test_several_reports_become_one_whose_mean_weighs_each_dataset_the_same() -> None:
    report = combine([SAMPLE, CISI])

    assert list(report["datasets"]) == ["examples", "cisi"]
    assert set(report["sets"]) == {"sample", "ids", "cisi"}
    # examples: mean of its two sets (0.975), then the mean with cisi's 0.45.
    assert report["mean"]["hybrid"]["ndcg@10"] == pytest.approx((0.975 + 0.45) / 2)
    assert report["mean"]["dense"]["ndcg@10"] == pytest.approx((0.7 + 0.4) / 2)


def test_the_table_has_a_row_per_set_and_a_mean_row_with_the_margin_over_the_better_leg() -> None:
    table = suite_table(combine([SAMPLE, CISI]))

    assert (
        "| cisi | cisi | 3 | 0.3000 (0.300) | 0.4000 (0.400) | 0.4500 (0.450) | +0.0500 |" in table
    )
    assert "| **mean** | 2 datasets |" in table


def test_one_report_is_left_as_it_is() -> None:
    assert combine([SAMPLE]) == SAMPLE


def test_two_datasets_with_a_set_of_the_same_name_are_refused() -> None:
    with pytest.raises(DatasetError, match="in twice"):
        combine([CISI, single("elsewhere/cisi", cisi={"bm25": 0.1})])


def test_the_classic_collections_are_skipped_with_a_reason_when_their_folder_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)

    folders, reason = classic_folders(tmp_path / "nowhere")

    assert folders == []
    assert reason is not None and "cisi, med, cacm" in reason and "nowhere" in reason


def test_under_ci_an_absent_classic_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(DatasetError, match="CI=true"):
        classic_folders(tmp_path / "nowhere")


def test_present_classic_collections_are_all_run(tmp_path: Path) -> None:
    for name in ("cisi", "med", "cacm"):
        (tmp_path / name).mkdir()

    folders, reason = classic_folders(tmp_path)

    assert [f.name for f in folders] == ["cisi", "med", "cacm"] and reason is None


def test_a_combined_baseline_names_each_dataset_and_its_sets() -> None:
    datasets = baseline_datasets(combine([SAMPLE, CISI]))

    assert [(f.name, sets) for f, _, sets in datasets] == [
        ("examples", ["sample", "ids"]),
        ("cisi", ["cisi"]),
    ]


def test_the_gate_fails_a_combined_report_when_one_dataset_got_worse() -> None:
    worse = single(
        "../shared/datasets/classic/cisi", cisi={"bm25": 0.3, "dense": 0.4, "hybrid": 0.4}
    )

    rows = compare_reports(combine([SAMPLE, CISI]), combine([SAMPLE, worse]))

    assert not gate_passes(rows)
    assert [(r.set_name, r.mode) for r in rows if r.fails] == [("cisi", "hybrid")]
