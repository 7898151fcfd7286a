"""The load test's verdict from locust's statistics and the RSS samples."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from statistics import median
from typing import Any

from loadtest.server import RssSample

MAX_RSS_GROWTH_PCT = 10.0
# Requests a reader's client sends; "answer ready" is a custom event measuring a whole /ask.
HTTP_METHODS = {"GET", "POST", "PUT", "DELETE"}


def percentile(histogram: Counter[int], fraction: float) -> float:
    """The smallest response time (ms) at or under which `fraction` of the requests fall."""
    total = sum(histogram.values())
    if total == 0:
        return 0.0
    wanted = fraction * total
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= wanted:
            return float(value)
    return float(max(histogram))


def _histogram(entries: list[dict[str, Any]]) -> Counter[int]:
    histogram: Counter[int] = Counter()
    for entry in entries:
        for value, count in entry["response_times"].items():
            histogram[int(float(value))] += int(count)
    return histogram


def endpoint_stats(entries: list[dict[str, Any]], duration_s: float) -> dict[str, Any]:
    histogram = _histogram(entries)
    requests = sum(int(e["num_requests"]) for e in entries)
    return {
        "requests": requests,
        "failures": sum(int(e["num_failures"]) for e in entries),
        "rps": round(requests / duration_s, 2) if duration_s else 0.0,
        "p50_ms": percentile(histogram, 0.50),
        "p95_ms": percentile(histogram, 0.95),
        "p99_ms": percentile(histogram, 0.99),
        "max_ms": round(max((float(e["max_response_time"] or 0) for e in entries), default=0), 1),
    }


def rss_summary(samples: list[RssSample], warmup_s: float) -> dict[str, Any]:
    """Growth from the end of the warm-up to the end of the run (medians of 3 samples each):
    the first requests fill caches and allocator arenas once, which is not a leak."""
    if len(samples) < 2:
        return {"samples": len(samples), "growth_pct": None}
    settled = [s for s in samples if s.t >= warmup_s] or samples[-1:]
    baseline = median(s.server_mb for s in settled[:3])
    end = median(s.server_mb for s in samples[-3:])
    start = samples[0].server_mb
    return {
        "samples": len(samples),
        "warmup_s": round(warmup_s, 1),
        "start_mb": round(start, 1),
        "baseline_mb": round(baseline, 1),
        "end_mb": round(end, 1),
        "peak_mb": round(max(s.server_mb for s in samples), 1),
        "growth_pct": round((end - baseline) / baseline * 100, 2),
        "growth_from_start_pct": round((end - start) / start * 100, 2),
        "with_children_end_mb": round(samples[-1].tree_mb, 1),
        # Every 5th sample, to see whether memory levels off or keeps climbing.
        "series_mb": [[round(s.t), round(s.server_mb, 1)] for s in samples[::5]],
    }


def failures(csv_path: Path) -> list[dict[str, Any]]:
    if not csv_path.exists():
        return []
    with csv_path.open(newline="") as file:
        return [
            {
                "method": row["Method"],
                "name": row["Name"],
                "error": row["Error"][:300],
                "occurrences": int(row["Occurrences"]),
            }
            for row in csv.DictReader(file)
        ]


def build_report(
    stats_json: Path,
    failures_csv: Path,
    samples: list[RssSample],
    *,
    duration_s: float,
    warmup_s: float,
    settings: dict[str, Any],
) -> dict[str, Any]:
    entries: list[dict[str, Any]] = json.loads(stats_json.read_text())
    http = [e for e in entries if e["method"] in HTTP_METHODS]
    overall = endpoint_stats(http, duration_s)
    by_name = {
        f"{e['method']} {e['name']}": endpoint_stats([e], duration_s)
        for e in sorted(entries, key=lambda e: (e["method"], e["name"]))
    }
    errors = sum(int(e["num_failures"]) for e in entries)
    asked = by_name.get("POST /ask", {}).get("requests", 0)
    answered = by_name.get("ANSWER answer ready", {}).get("requests", 0)
    reader_actions = by_name.get("GET /search", {}).get("requests", 0) + asked
    rss = rss_summary(samples, warmup_s)
    growth = rss.get("growth_pct")
    rss_ok = growth is not None and growth < MAX_RSS_GROWTH_PCT
    return {
        "ok": errors == 0 and rss_ok and overall["requests"] > 0,
        "errors": errors,
        "requests": overall["requests"],
        "duration_s": round(duration_s, 1),
        "throughput_rps": overall["rps"],
        "reader_actions_rps": round(reader_actions / duration_s, 2) if duration_s else 0.0,
        # Questions still being answered when the run stopped: neither passed nor failed.
        "answers_unfinished": asked - answered,
        "p50_ms": overall["p50_ms"],
        "p95_ms": overall["p95_ms"],
        "p99_ms": overall["p99_ms"],
        "rss_growth_pct": growth,
        "rss_growth_limit_pct": MAX_RSS_GROWTH_PCT,
        "endpoints": by_name,
        "rss": rss,
        "failures": failures(failures_csv),
        "settings": settings,
    }


def summary_lines(report: dict[str, Any]) -> list[str]:
    s = report["settings"]
    lines = [
        f"load test: {s['users']} users for {report['duration_s']} s against {s['mode']} "
        f"`footnote serve` (rate limits off: FOOTNOTE_RATE_LIMIT_SEARCH=0, "
        f"FOOTNOTE_RATE_LIMIT_ASK=0)",
        f"  requests {report['requests']}, errors {report['errors']}, "
        f"throughput {report['throughput_rps']} req/s "
        f"({report['reader_actions_rps']} searches and questions/s, the rest job polls), "
        f"p50 {report['p50_ms']:.0f} ms, p95 {report['p95_ms']:.0f} ms",
        f"  questions still being answered at the stop: {report['answers_unfinished']}",
    ]
    for name, e in report["endpoints"].items():
        lines.append(
            f"  {name:<22} {e['requests']:>6} req {e['failures']:>4} fail  "
            f"p50 {e['p50_ms']:>6.0f} ms  p95 {e['p95_ms']:>6.0f} ms  {e['rps']:>6} /s"
        )
    rss = report["rss"]
    if rss.get("growth_pct") is not None:
        lines.append(
            f"  server RSS {rss['baseline_mb']} MB after {rss['warmup_s']} s warm-up -> "
            f"{rss['end_mb']} MB at the end: {rss['growth_pct']:+.2f}% "
            f"(limit {report['rss_growth_limit_pct']:.0f}%; idle start {rss['start_mb']} MB, "
            f"peak {rss['peak_mb']} MB)"
        )
    for failure in report["failures"][:10]:
        lines.append(f"  failure x{failure['occurrences']}: {failure['name']}: {failure['error']}")
    lines.append("  PASS" if report["ok"] else "  FAIL")
    return lines
