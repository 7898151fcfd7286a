"""The Markdown table `python -m eval.ann_speed` prints from its report."""

from __future__ import annotations

from typing import Any


def table(report: dict[str, Any]) -> str:
    lines = [
        "| index | build s | k=10 p50/p99 ms | k=100 p50/p99 ms | recall@10 | recall@100 | MB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["results"] + report.get("ivf", []):
        mb = f"{row['bytes'] / 1e6:.0f}" if "bytes" in row else ""
        lines.append(
            f"| {row['index']} | {row['build_s']} | {row['k10']['p50_ms']} / {row['k10']['p99_ms']}"
            f" | {row['k100']['p50_ms']} / {row['k100']['p99_ms']} | {row.get('recall@10', 1.0)}"
            f" | {row.get('recall@100', 1.0)} | {mb} |"
        )
    for row in report["ef_sweep"]:
        lines.append(
            f"| hnsw efSearch={row['ef_search']} | "
            f"| {row['k10']['p50_ms']} / {row['k10']['p99_ms']}"
            f" | {row['k100']['p50_ms']} / {row['k100']['p99_ms']} | {row['recall@10']}"
            f" | {row['recall@100']} | |"
        )
    return "\n".join(lines)
