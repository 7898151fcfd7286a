"""`footnote eval retrieval` and `footnote eval gate` run as a user runs them, on a tiny BEIR
folder, with the real model, FAISS and bm25s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import write_beir

pytestmark = pytest.mark.integration

FOOTNOTE = [sys.executable, "-m", "footnote.cli"]
MEASURES = {"ndcg@10", "recall@10", "recall@100", "mrr@10"}


def footnote(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*FOOTNOTE, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("eval")
    folder = write_beir(root / "tiny")
    out = root / "results" / "tiny.json"
    run = footnote("eval", "retrieval", "--dataset", str(folder), "--out", str(out))
    assert run.returncode == 0, run.stderr
    return out, run.stdout


def test_eval_retrieval_prints_a_table_row_per_mode(evaluated: tuple[Path, str]) -> None:
    _, table = evaluated

    assert "| set | mode | queries | nDCG@10 | Recall@10 | Recall@100 | MRR@10 |" in table
    for mode in ("bm25", "dense", "hybrid"):
        assert f"| tiny | {mode} | 3 |" in table


def test_eval_retrieval_writes_the_stamped_json_report_and_its_chart(
    evaluated: tuple[Path, str],
) -> None:
    out, _ = evaluated

    report = json.loads(out.read_text())

    assert set(report["metrics"]) == {"bm25", "dense", "hybrid"}
    assert all(set(values) == MEASURES for values in report["metrics"].values())
    assert report["sets"]["tiny"]["metrics"] == report["metrics"]
    config = report["configuration"]
    assert config["query_count"] == 3 and config["documents"] == 4
    assert config["snapshot_generation"] == 1 and config["chunk_tokens"] == 200
    assert set(report["latency_ms"]["dense"]) == {"p50", "p95", "p99"}
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    # The real model finds each query's one relevant document first.
    assert report["metrics"]["dense"]["mrr@10"] == 1.0


def test_eval_gate_passes_a_report_against_itself_and_fails_a_regression(
    evaluated: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = evaluated
    better = json.loads(out.read_text())
    better["sets"]["tiny"]["metrics"]["hybrid"]["ndcg@10"] += 0.05
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(better))

    same = footnote("eval", "gate", "--baseline", str(out), "--current", str(out))
    worse = footnote("eval", "gate", "--baseline", str(baseline), "--current", str(out))

    assert same.returncode == 0, same.stdout + same.stderr
    assert "gate passed" in same.stdout
    assert worse.returncode == 1
    assert "| tiny | hybrid |" in worse.stdout and "REGRESSED" in worse.stdout


def test_eval_retrieval_on_two_datasets_prints_one_table_with_a_mean_row(tmp_path: Path) -> None:
    first, second = write_beir(tmp_path / "tiny"), write_beir(tmp_path / "other")
    out = tmp_path / "both.json"

    run = footnote(
        "eval", "retrieval", "--dataset", str(first), "--dataset", str(second), "--out", str(out)
    )

    assert run.returncode == 0, run.stderr
    assert "| dataset | set | queries | BM25 | dense | hybrid | hybrid - better leg |" in run.stdout
    assert "| tiny | tiny | 3 |" in run.stdout and "| other | other | 3 |" in run.stdout
    assert "| **mean** | 2 datasets |" in run.stdout
    report = json.loads(out.read_text())
    assert list(report["datasets"]) == ["tiny", "other"]
    assert (
        report["mean"]["dense"]["ndcg@10"] == report["sets"]["tiny"]["metrics"]["dense"]["ndcg@10"]
    )
