"""The load test in CI: a short run of `python -m loadtest` against a real `footnote serve`
(embedded mode: the server's own worker answers /ask). The 2-minute run is
`bash scripts/loadtest.sh`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from loadtest.report import percentile, rss_summary
from loadtest.server import RssSample
from tests.builders import EXAMPLES, ROOT

pytestmark = pytest.mark.integration
SAMPLE = ["celery-retries-2022", "redis-caching-patterns", "docker-for-real-teams"]
REPORT_KEYS = {
    "ok", "errors", "requests", "duration_s", "throughput_rps", "p50_ms", "p95_ms", "p99_ms",
    "rss_growth_pct", "rss_growth_limit_pct", "endpoints", "rss", "failures", "settings",
    "reader_actions_rps", "answers_unfinished",
}  # fmt: skip


def test_a_short_load_run_answers_every_search_and_question_without_error(
    tmp_path: Path,
) -> None:
    source = tmp_path / "articles"
    source.mkdir()
    for slug in SAMPLE:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", source / f"{slug}.md")
    command = [sys.executable, "-m", "loadtest", "--duration", "15", "--users", "5"]
    # More questions than a reader would ask, so 15 s surely include answered jobs.
    command += ["--search-weight", "3", "--ask-weight", "1", "--warmup", "5", "--json"]
    command += ["--source", str(source), "--data-dir", str(tmp_path / "data")]
    command += ["--out", str(tmp_path / "run")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=400)
    assert done.returncode in (0, 1), done.stderr.decode()[-3000:]
    report = json.loads(done.stdout)

    assert REPORT_KEYS <= set(report)
    assert report["errors"] == 0, report["failures"]
    assert done.returncode == (0 if report["ok"] else 1)
    endpoints = report["endpoints"]
    assert endpoints["GET /search"]["requests"] > 10
    assert endpoints["POST /ask"]["requests"] > 0
    assert endpoints["ANSWER answer ready"]["requests"] == endpoints["POST /ask"]["requests"]
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]
    assert report["throughput_rps"] > 0
    assert report["rss"]["samples"] >= 10 and report["rss"]["baseline_mb"] > 50
    assert report["settings"]["server_env"] == {
        "FOOTNOTE_RATE_LIMIT_SEARCH": "0",
        "FOOTNOTE_RATE_LIMIT_ASK": "0",
    }


def test_the_locustfile_refuses_to_load_a_host_other_than_loopback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py")]
        + ["--headless", "--host", "http://192.0.2.1:8000", "-u", "1", "-t", "5s"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert b"loopback only" in done.stderr + done.stdout


def test_percentiles_come_from_the_response_time_histogram() -> None:
    histogram = Counter({10: 90, 200: 9, 900: 1})
    assert percentile(histogram, 0.5) == 10
    assert percentile(histogram, 0.95) == 200
    assert percentile(histogram, 1.0) == 900
    assert percentile(Counter(), 0.95) == 0.0


def test_rss_growth_is_measured_from_the_end_of_the_warm_up() -> None:
    # 500 MB idle, 600 MB once warm, 630 MB at the end: +5%, not +26%.
    samples = [RssSample(0, 500, 500), RssSample(1, 550, 550)]
    samples += [RssSample(t, 600, 700) for t in range(2, 8)]
    samples += [RssSample(t, 630, 730) for t in range(8, 11)]
    rss = rss_summary(samples, warmup_s=2)
    assert rss["baseline_mb"] == 600 and rss["end_mb"] == 630
    assert rss["growth_pct"] == 5.0 and rss["growth_from_start_pct"] == 26.0
