"""`footnote bench` at a tiny size: the real model, a real uvicorn server and worker on
loopback, real FAISS and txtai, over a dozen abstracts. Checks the report's stable keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.bench.report import STABLE_KEYS, lookup
from tests.builders import ROOT

pytestmark = pytest.mark.integration
FIXTURE = ROOT / "tests" / "fixtures" / "bench-beir"
# About 60 s on an idle 2-core box; generous, since the box running the suite may be busy.
TIMEOUT_S = 480


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, onnx_dir: Path) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "bench.json"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env["FOOTNOTE_ONNX_CACHE_DIR"] = str(onnx_dir)  # the session's export, not a new one
    env.pop("FOOTNOTE_REDIS_URL", None)  # the embedded mode: no broker to share
    command = [sys.executable, "-m", "footnote.cli", "bench", "--dataset", str(FIXTURE)]
    command += ["--sizes", "30", "--repeats", "1", "--queries", "6", "--articles", "12"]
    command += ["--edits", "1", "--data-dir", str(tmp / "work"), "--out", str(out)]
    bench = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        stdout, stderr = bench.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        bench.terminate()  # SIGTERM: the bench stops the server and worker it started
        stdout, stderr = bench.communicate(timeout=60)
        pytest.fail(f"footnote bench took over {TIMEOUT_S} s:\n{stderr[-3000:]}")
    assert bench.returncode == 0, stderr[-4000:]
    assert (tmp / "bench.png").stat().st_size > 10_000
    assert "pipeline/raw" in stdout  # the table was printed
    loaded: dict[str, object] = json.loads(out.read_text())
    return loaded


def test_every_stable_key_is_in_the_report(report: dict[str, object]) -> None:
    for key in STABLE_KEYS:
        lookup(report, key)  # KeyError names the missing key


def test_the_measured_numbers_are_in_sane_ranges(report: dict[str, object]) -> None:
    assert 20 <= lookup(report, "corpus.chunks") <= 60
    assert 0.05 < lookup(report, "indexing.pipeline_vs_raw") < 5
    p50 = lookup(report, "query.hybrid.server_p50_ms")
    assert 0 < p50 <= lookup(report, "query.hybrid.server_p99_ms") < 10_000
    assert lookup(report, "query.hybrid.client_p50_ms") >= p50  # HTTP adds to the service
    assert lookup(report, "query.hybrid.errors") == 0
    assert lookup(report, "query.hybrid.rps_8_clients") > 0
    # The ONNX quality check: fp32 gives torch's vectors; int8 keeps most neighbours.
    assert lookup(report, "embedding.onnx.min_cosine_vs_torch") >= 0.999
    assert lookup(report, "embedding.onnx-int8.top10_overlap_vs_torch") > 0.5
    assert 0 < lookup(report, "incremental.publish_to_searchable_s") < 120
    assert 0 < lookup(report, "sync.publish_to_searchable_s") < 60
    assert 100 < lookup(report, "memory.api_rss_mb") < 4000
    assert 100 < lookup(report, "memory.worker_rss_mb") < 4000
    recall = lookup(report, "ann.recall_at_10_vs_exact")
    assert recall is None or 0 <= recall <= 1
    for key in ("index_time_ratio", "query_latency_ratio", "tokens_per_s_ratio"):
        assert lookup(report, f"peer.txtai.{key}") > 0
    # Footnote embeds every chunk; txtai each document cut at the model's 254 tokens.
    assert lookup(report, "peer.txtai.footnote_tokens_embedded") >= lookup(
        report, "peer.txtai.txtai_tokens_embedded"
    )
    assert -1 <= lookup(report, "peer.txtai.ndcg_delta") <= 1
    assert lookup(report, "peer.txtai.systems.txtai.ndcg@10") > 0.5  # 12 docs: easy


def test_the_report_records_machine_and_configuration(report: dict[str, object]) -> None:
    assert lookup(report, "machine.cores_logical") >= 1
    assert lookup(report, "machine.libraries.torch")
    assert lookup(report, "configuration.embed_backend") in ("torch", "onnx", "onnx-int8")
    assert lookup(report, "configuration.ann_min_vectors") >= 1
    assert lookup(report, "configuration.sizes") == ["30"]
