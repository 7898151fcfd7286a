"""The benchmark report: its stable keys, the JSON file and the terminal tables (the chart is
`eval.bench.chart`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

STABLE_KEYS: tuple[str, ...] = (
    "corpus.chunks",
    "indexing.pipeline_vs_raw",
    "query.hybrid.server_p50_ms",
    "query.hybrid.server_p99_ms",
    "query.hybrid.rps_8_clients",
    "incremental.publish_to_searchable_s",
    "sync.publish_to_searchable_s",
    "peer.txtai.index_time_ratio",
    "peer.txtai.query_latency_ratio",
    "peer.txtai.ndcg_delta",
    "memory.api_rss_mb",
    "ann.recall_at_10_vs_exact",
    "jobs.drain_jobs_per_s.embedded",
    "jobs.drain_jobs_per_s.redis",
    "jobs.pickup_max_s.embedded",
    "analytics.search_p50_ms.delta",
    "machine.cpu",
    "configuration.embed_backend",
    "configuration.ann_min_vectors",
    "embedding.onnx.min_cosine_vs_torch",
    "embedding.onnx-int8.top10_overlap_vs_torch",
)
"""Keys scripts may read (values of the largest size run); a None value means not measured."""

MODES = ("bm25", "dense", "hybrid")


def lookup(report: dict[str, Any], dotted: str) -> Any:
    node: Any = report
    for part in dotted.split("."):
        node = node[part]
    return node


def write_json(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def print_tables(report: dict[str, Any], console: Console) -> None:
    machine, config = report["machine"], report["configuration"]
    console.print(
        f"[bold]footnote bench[/] on {machine['cpu']} ({machine['cores_logical']} threads, "
        f"{machine['ram_gb']} GB), Python {machine['python']}, torch "
        f"{machine['libraries'].get('torch')}, faiss {machine['libraries'].get('faiss-cpu')}; "
        f"backend {config['embed_backend']}, ann_min_vectors {config['ann_min_vectors']}, "
        f"medians of {config['repeats']} runs"
    )
    console.print(_backends_table(report))
    console.print(_indexing_table(report))
    console.print(_query_table(report))
    console.print(_other_table(report))
    console.print(_goals_table(report))


def _backends_table(report: dict[str, Any]) -> Table:
    embedding = report["embedding"]
    table = Table(
        title=f"Embedding backends on the same {embedding['texts']} passages "
        f"(configured: {embedding['configured']})"
    )
    for column in ("backend", "tokens/s", "query p50 ms", "cosine vs torch", "top-10 kept"):
        table.add_column(column, justify="right" if column != "backend" else "left")
    for backend in ("torch", "onnx", "onnx-int8"):
        entry = embedding[backend]
        cosine = entry.get("min_cosine_vs_torch")
        table.add_row(
            backend,
            _fmt(entry["tokens_per_s"]),
            _fmt(entry["query_p50_ms"]),
            "reference" if cosine is None else f"min {cosine:.4f}",
            "reference" if cosine is None else _fmt(entry["top10_overlap_vs_torch"]),
        )
    return table


def _indexing_table(report: dict[str, Any]) -> Table:
    table = Table(title="Indexing (pipeline: load, chunk, embed, commit; raw: the model alone)")
    for column in (
        "size",
        "articles",
        "chunks",
        "corpus",
        "pipeline chunks/s",
        "tokens/s",
        "raw tokens/s",
        "pipeline/raw",
    ):
        table.add_column(column, justify="right")
    for label, size in report["corpus"]["sizes"].items():
        entry = report["indexing"]["by_size"][label]
        measured = entry.get("measured")
        table.add_row(
            label,
            str(size["articles"]),
            str(size["chunks"]),
            size["vectors"],
            _fmt(entry.get("chunks_per_s")) if measured else "-",
            _fmt(entry.get("tokens_per_s")) if measured else "-",
            _fmt(entry["raw"]["tokens_per_s"]) if measured else "-",
            _fmt(entry.get("pipeline_vs_raw")) if measured else "-",
        )
    return table


def _query_table(report: dict[str, Any]) -> Table:
    table = Table(title="/search over HTTP on loopback (ms; server = the service's took_ms)")
    for column in (
        "size",
        "mode",
        "server p50",
        "server p95",
        "server p99",
        "client p50",
        "client p99",
        "8 clients req/s",
        "8 clients p50",
    ):
        table.add_column(column, justify="right")
    for label, modes in report["query"]["by_size"].items():
        for mode in MODES:
            q = modes[mode]
            table.add_row(
                label,
                mode,
                _fmt(q["server_p50_ms"]),
                _fmt(q["server_p95_ms"]),
                _fmt(q["server_p99_ms"]),
                _fmt(q["client_p50_ms"]),
                _fmt(q["client_p99_ms"]),
                _fmt(q["rps_8_clients"]),
                _fmt(q["client8_p50_ms"]),
            )
    return table


def _other_table(report: dict[str, Any]) -> Table:
    table = Table(title="Incremental, memory, ANN, jobs and the peer")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note")
    inc, mem, ann = report["incremental"], report["memory"], report["ann"]
    spread = inc["spread"].get("publish_s")
    table.add_row(
        "publish to searchable (s)",
        _fmt(inc["publish_to_searchable_s"]),
        f"median of {inc['edits']} edits {spread or ''}, {inc['articles']} articles, {inc['mode']}",
    )
    sync = report.get("sync")
    if sync:
        table.add_row(
            "published on a site to searchable (s)",
            _fmt(sync["publish_to_searchable_s"]),
            f"median of {sync['publishes']} pages {sync['spread'].get('publish_s') or ''}, "
            f"sitemap polled every {sync['every_s']} s, {sync['articles']} articles",
        )
    for name, entry in _analytics_rows(report):
        p50 = entry["search_p50_ms"]
        table.add_row(
            f"recording adds to /search p50 (ms, {name})",
            _fmt(p50["delta"]),
            f"client p50 off {p50['off']} / on {p50['on']} ms; server "
            f"{entry['server_p50_ms']['off']} / {entry['server_p50_ms']['on']} ms"
            + (f"; record() {entry['record_call_us']} µs" if "record_call_us" in entry else ""),
        )
    table.add_row("API peak RSS (MB)", _fmt(mem["api_rss_mb"]), f"at {mem['size']}")
    table.add_row(
        "worker peak RSS (MB)", _fmt(mem["worker_rss_mb"]), f"at {mem['size']}, one upsert"
    )
    table.add_row(
        "ANN recall@10 vs exact",
        _fmt(ann.get("recall_at_10_vs_exact")),
        ann.get("note")
        or f"HNSW p50 {_fmt(ann.get('ann_p50_ms'))} ms vs exact {_fmt(ann.get('exact_p50_ms'))}"
        f" ms, {ann.get('vectors')} vectors ({ann['size']})",
    )
    jobs = report["jobs"]
    for mode, entry in jobs["by_mode"].items():
        table.add_row(
            f"jobs drained per s ({mode})",
            _fmt(entry.get("drain_jobs_per_s")),
            entry.get("skipped")
            or f"{jobs['jobs']} questions, {jobs['worker_concurrency']} worker processes; pickup "
            f"p50 {entry['pickup_p50_s']} s, max {entry['pickup_max_s']} s",
        )
    peer = report["peer"]["txtai"]
    if peer.get("skipped"):
        table.add_row("txtai", "-", "skipped (--skip-peer)")
    else:
        table.add_row(
            "index time Footnote / txtai",
            _fmt(peer["index_time_ratio"]),
            f"{peer['footnote_index_s']} s vs {peer['txtai_index_s']} s, {peer['documents']} docs",
        )
        if "tokens_per_s_ratio" in peer:
            table.add_row(
                "tokens/s Footnote / txtai",
                _fmt(peer["tokens_per_s_ratio"]),
                f"{peer['footnote_tokens_embedded']:,} tokens (every chunk) vs "
                f"{peer['txtai_tokens_embedded']:,} (documents cut at the model's length)",
            )
        systems = peer["systems"]
        table.add_row(
            "query p50 Footnote dense / txtai",
            _fmt(peer["query_latency_ratio"]),
            f"{systems['footnote_dense']['p50_ms']} vs {systems['txtai']['p50_ms']} ms; "
            f"hybrid ratio {peer['query_latency_ratio_hybrid']}",
        )
        table.add_row(
            "nDCG@10 Footnote dense - txtai",
            _fmt(peer["ndcg_delta"]),
            f"dense {systems['footnote_dense']['ndcg@10']}, hybrid "
            f"{systems['footnote_hybrid']['ndcg@10']}, txtai {systems['txtai']['ndcg@10']}",
        )
    return table


def _analytics_rows(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    section = report.get("analytics")
    if not section:
        return []
    rows = [("SQLite", section)]
    if section.get("redis"):
        rows.append(("Redis", section["redis"]))
    return rows


def _goals_table(report: dict[str, Any]) -> Table:
    table = Table(title="Goals of the issue")
    for column in ("key", "value", "target", "met"):
        table.add_column(column)
    for goal in report["goals"]:
        met = goal["met"]
        table.add_row(
            goal["key"],
            _fmt(goal["value"]),
            goal["target"],
            "n/a" if met is None else ("[green]yes[/]" if met else "[red]no[/]"),
        )
    return table


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)
