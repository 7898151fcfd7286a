"""The evaluation report: a JSON document stamped with its configuration, and its Markdown
table.

Shape (every measure a mean over the set's judged queries; latency in milliseconds):

    {"configuration": {"dataset", "model", "chunk_tokens", "overlap_tokens", "fusion", ...},
     "sets": {"sample": {"queries": 207, "metrics": {"hybrid": {"ndcg@10": ...}},
                         "latency_ms": {"hybrid": {"p50": ..., "p95": ..., "p99": ...}}}},
     "metrics": <the first set's metrics>, "latency_ms": <the first set's latency>}
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.datasets import PROJECT_ROOT, recorded_path
from eval.metrics import MEASURES, PERCENTILES
from eval.model import Dataset, ReportError, SetResult
from eval.queries import DEEP_K, PAGE_K
from indexer.config import Settings
from indexer.search.fusion import FUSION_DEPTH, IDENTIFIER_BONUS

REPORT_KIND = "footnote-retrieval-eval"
MEASURE_LABELS = {
    "ndcg@10": "nDCG@10",
    "recall@10": "Recall@10",
    "recall@100": "Recall@100",
    "mrr@10": "MRR@10",
}


def build_report(
    dataset: Dataset,
    settings: Settings,
    *,
    generation: int,
    documents: int,
    chunks: int,
    chunks_embedded: int,
    results: list[SetResult],
    seconds: dict[str, float],
) -> dict[str, Any]:
    sets = {
        r.name: {
            "queries": r.queries,
            "metrics": r.metrics,
            "latency_ms": r.latency_ms,
            **({"rejected_queries": r.rejected} if r.rejected else {}),
        }
        for r in results
    }
    main = results[0] if results else None
    commit, dirty = git_state(PROJECT_ROOT)
    return {
        "kind": REPORT_KIND,
        "configuration": {
            "dataset": recorded_path(dataset.path),
            "dataset_kind": dataset.kind,
            "split": dataset.split,
            "sets": [r.name for r in results],
            "query_count": dataset.query_count,
            "documents": documents,
            "chunks": chunks,
            "chunks_embedded": chunks_embedded,
            "model": settings.model,
            "embed_backend": settings.embed_backend,
            "query_backend": settings.query_runtime,
            "chunk_tokens": settings.chunking.chunk_tokens,
            "overlap_tokens": settings.chunking.overlap_tokens,
            # SearchService.search's hybrid rule (indexer/search/fusion.py).
            "fusion": {
                "method": "article scores min-max scaled per side, weighted sum",
                "weights": {"dense": settings.dense_weight, "bm25": 1 - settings.dense_weight},
                "identifier_bonus": IDENTIFIER_BONUS,
                "candidates_per_side": FUSION_DEPTH,
            },
            "ranking": {"first_page_k": PAGE_K, "depth": DEEP_K, "unit": "article"},
            "snapshot_generation": generation,
            "git_commit": commit,
            "git_dirty": dirty,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": {name: round(value, 2) for name, value in seconds.items()},
        },
        "sets": sets,
        "metrics": main.metrics if main else {},
        "latency_ms": main.latency_ms if main else {},
    }


def markdown_table(report: dict[str, Any]) -> str:
    """Rows of set x mode: every measure and the latency percentiles."""
    config = report["configuration"]
    commit = (config.get("git_commit") or "unknown")[:12]
    if config.get("git_dirty"):
        commit += " with uncommitted changes"
    header = (
        f"Retrieval on `{config['dataset']}`: {config['documents']} documents, "
        f"{config['query_count']} queries; model `{config['model']}`, chunks of "
        f"{config['chunk_tokens']} tokens (overlap {config['overlap_tokens']}), "
        f"fusion {fusion_label(config['fusion'])}; snapshot {config['snapshot_generation']}, "
        f"commit {commit}."
    )
    columns = ["set", "mode", "queries", *MEASURE_LABELS.values()]
    columns += [f"p{p} ms" for p in PERCENTILES]
    lines = [header, "", _row(columns), _row(["---"] * len(columns))]
    for name, entry in report["sets"].items():
        for mode, values in entry["metrics"].items():
            latency = entry["latency_ms"].get(mode, {})
            cells = [name, mode, str(entry["queries"])]
            cells += [f"{values[m]:.4f}" for m in MEASURES]
            cells += [f"{latency.get(f'p{p}', 0.0):.1f}" for p in PERCENTILES]
            lines.append(_row(cells))
    return "\n".join(lines)


def write_json(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: not a readable report: {exc}") from exc
    if not isinstance(report, dict) or "metrics" not in report:
        raise ReportError(f"{path}: not a retrieval report (no 'metrics')")
    return report


def git_state(root: Path) -> tuple[str | None, bool | None]:
    """HEAD's commit and whether the work tree has changes; (None, None) outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    if head.returncode != 0:
        return None, None
    return head.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else None


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def fusion_label(fusion: dict[str, Any]) -> str:
    weights = fusion.get("weights")
    if isinstance(weights, dict):
        method = fusion.get("method", "score sum")
        return f"{method}, dense weight {weights.get('dense')}"
    # Reports written before the score-sum fusion used reciprocal rank fusion.
    return f"RRF k={fusion.get('rrf_k')}"
