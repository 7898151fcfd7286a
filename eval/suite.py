"""Several datasets in one evaluation: one report, one table with a mean row.

A change that helps one collection and hurts another must show both, so `footnote eval
retrieval` takes several datasets and the gate covers them all. The combined report keeps the
single-dataset shape (`sets`, `metrics`) so the gate reads both, and adds `datasets` (each
one's configuration and set names) and `mean` (each dataset weighs the same, each of its sets
the same within it).

The three classic collections (CISI, MED, CACM; small, in BEIR layout) live beside the
repository in `../shared/datasets/classic`, not in it: where that folder is absent they are
skipped with a message, except under CI=true, where skipping would let a regression through.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from eval.datasets import PROJECT_ROOT, resolve_dataset_path
from eval.metrics import MEASURES
from eval.model import DatasetError
from eval.report import fusion_label

CLASSIC_ROOT = PROJECT_ROOT.parent / "shared" / "datasets" / "classic"
CLASSIC = ("cisi", "med", "cacm")
MODES = ("bm25", "dense", "hybrid")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def classic_folders(root: Path = CLASSIC_ROOT) -> tuple[list[Path], str | None]:
    """The classic collections to run, and why none are when the folder is absent. Under CI
    an absent folder is an error (DatasetError), not a skip."""
    folders = [root / name for name in CLASSIC]
    absent = [f for f in folders if not f.is_dir()]
    if not absent:
        return folders, None
    message = (
        f"the classic collections ({', '.join(CLASSIC)}) are not in {root} (expected in "
        "../shared/datasets/classic beside the repository)"
    )
    if in_ci():
        raise DatasetError(f"{message}; CI=true, so the gate cannot skip them")
    return [], f"{message}: skipping them"


def combine(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One report of several datasets' reports (their set names must differ)."""
    if len(reports) == 1:
        return dict(reports[0])
    sets: dict[str, Any] = {}
    datasets: dict[str, Any] = {}
    for report in reports:
        config = report["configuration"]
        name = Path(config["dataset"]).name
        clash = set(sets) & set(report["sets"])
        if clash or name in datasets:
            raise DatasetError(f"{config['dataset']}: a dataset or set of that name is in twice")
        sets.update(report["sets"])
        datasets[name] = {"configuration": config, "sets": list(report["sets"])}
    first = reports[0]
    return {
        "kind": first["kind"],
        "configuration": {**first["configuration"], "datasets": list(datasets)},
        "datasets": datasets,
        "sets": sets,
        "mean": dataset_mean(datasets, sets),
        "metrics": first["metrics"],
        "latency_ms": first["latency_ms"],
    }


def dataset_mean(datasets: dict[str, Any], sets: dict[str, Any]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        per_dataset = []
        for entry in datasets.values():
            values = [sets[s]["metrics"][mode] for s in entry["sets"] if mode in sets[s]["metrics"]]
            if values:
                per_dataset.append({m: mean(v[m] for v in values) for m in MEASURES})
        if per_dataset:
            out[mode] = {m: mean(d[m] for d in per_dataset) for m in MEASURES}
    return out


def suite_table(report: dict[str, Any]) -> str:
    """nDCG@10 (Recall@100 in brackets) of every set in every mode, and the mean row."""
    config = report["configuration"]
    lines = [
        f"Retrieval on {len(report['datasets'])} datasets; model `{config['model']}`, chunks of "
        f"{config['chunk_tokens']} tokens, fusion {fusion_label(config['fusion'])}. "
        "nDCG@10 (Recall@100):",
        "",
        "| dataset | set | queries | BM25 | dense | hybrid | hybrid - better leg |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for dataset, entry in report["datasets"].items():
        for name in entry["sets"]:
            values = report["sets"][name]
            lines.append(_line(dataset, name, str(values["queries"]), values["metrics"]))
    lines.append(_line("**mean**", f"{len(report['datasets'])} datasets", "", report["mean"]))
    return "\n".join(lines)


def _line(dataset: str, name: str, queries: str, metrics: dict[str, Any]) -> str:
    cells = [dataset, name, queries]
    for mode in MODES:
        values = metrics.get(mode)
        cells.append(f"{values['ndcg@10']:.4f} ({values['recall@100']:.3f})" if values else "-")
    if all(mode in metrics for mode in MODES):
        better = max(metrics["bm25"]["ndcg@10"], metrics["dense"]["ndcg@10"])
        cells.append(f"{metrics['hybrid']['ndcg@10'] - better:+.4f}")
    else:
        cells.append("-")
    return "| " + " | ".join(cells) + " |"


def baseline_datasets(baseline: dict[str, Any]) -> list[tuple[Path, str, list[str]]]:
    """(folder, split, set names) of every dataset a baseline report was made on."""
    entries = baseline.get("datasets") or {
        "main": {"configuration": baseline.get("configuration", {}), "sets": list(baseline["sets"])}
    }
    return [
        (
            resolve_dataset_path(entry["configuration"].get("dataset", "examples")),
            entry["configuration"].get("split") or "test",
            list(entry["sets"]),
        )
        for entry in entries.values()
    ]
