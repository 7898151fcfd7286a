"""Side by side with txtai: same model directory, same documents, same queries, same process.

Footnote indexes through its whole pipeline (chunks of at most `chunk_tokens`, SQLite, FAISS,
BM25, one commit); txtai through `Embeddings.index` with its FAISS backend (whole documents,
truncated by the model at its maximum length). Both then answer every judged query in process
on one CPU thread, as a server does; nDCG@10 is scored by ranx over article ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.bench.corpus import Passage
from eval.bench.indexing import distinct_chunk_texts
from eval.bench.stats import percentiles_ms, summarize
from eval.metrics import score_rankings
from eval.model import Qrels
from eval.retrieval import query_threads_as_served
from indexer.bootstrap import Services
from indexer.ports import NoProgress, Progress

FOOTNOTE_MODES = ("dense", "hybrid")
TOP = 10


def run_peer(
    services: Services,
    source: Path,
    passages: Sequence[Passage],
    model_dir: Path,
    queries: dict[str, str],
    qrels: Qrels,
    repeats: int,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Index `passages` (already written as JSONL at `source`) with both, then query both."""
    from txtai import Embeddings

    progress = progress or NoProgress()
    started = time.perf_counter()
    report = services.indexing.sync_source(source, progress)
    footnote_index_s = time.perf_counter() - started

    txtai = Embeddings(path=str(model_dir), method="sentence-transformers", backend="faiss")
    txtai.transform("warm up")  # the model is loaded before the clock starts, as Footnote's is
    progress.start("txtai index", 1)
    started = time.perf_counter()
    txtai.index((p.doc_id, f"{p.title} {p.body}", None) for p in passages)
    txtai_index_s = time.perf_counter() - started
    progress.advance()

    query_threads_as_served()
    systems: dict[str, Callable[[str], list[str]]] = {
        f"footnote_{mode}": _footnote(services, mode) for mode in FOOTNOTE_MODES
    }
    systems["txtai"] = lambda q: [str(doc_id) for doc_id, _ in txtai.search(q, TOP)]
    measured = {
        name: _measure(ask, queries, qrels, repeats, progress, name)
        for name, ask in systems.items()
    }
    txtai_p50 = measured["txtai"]["p50_ms"]
    # The two do not embed the same text: Footnote every chunk of every article (with its
    # title and some overlap), txtai each whole document cut at the model's length. Tokens/s
    # says how fast each pipeline turns text into vectors; the time ratio, what a user waits.
    counts = services.tokenizer.count_many
    footnote_tokens = sum(counts(distinct_chunk_texts(services)))
    limit = services.tokenizer.max_tokens
    txtai_tokens = sum(min(n, limit) for n in counts([f"{p.title} {p.body}" for p in passages]))
    result: dict[str, Any] = {
        "documents": len(passages),
        "queries": len(queries),
        "footnote_chunks": services.store.counts()[1],
        "footnote_chunks_embedded": report.chunks_embedded,
        "footnote_index_s": round(footnote_index_s, 2),
        "txtai_index_s": round(txtai_index_s, 2),
        "txtai_faiss": str(txtai.config.get("faiss", {}).get("components", "default")),
        "index_time_ratio": round(footnote_index_s / txtai_index_s, 3),
        "footnote_tokens_embedded": footnote_tokens,
        "txtai_tokens_embedded": txtai_tokens,
        # Above 1: Footnote embeds more tokens per second than txtai.
        "tokens_per_s_ratio": round(
            (footnote_tokens / footnote_index_s) / (txtai_tokens / txtai_index_s), 3
        ),
        "systems": measured,
    }
    for mode in FOOTNOTE_MODES:
        ours = measured[f"footnote_{mode}"]
        result[f"query_latency_ratio_{mode}"] = round(ours["p50_ms"] / txtai_p50, 3)
        result[f"ndcg_delta_{mode}"] = round(ours["ndcg@10"] - measured["txtai"]["ndcg@10"], 4)
    # The headline compares like with like: dense retrieval with the same model on both sides.
    result["query_latency_ratio"] = result["query_latency_ratio_dense"]
    result["ndcg_delta"] = result["ndcg_delta_dense"]
    return result


def _footnote(services: Services, mode: str) -> Callable[[str], list[str]]:
    def ask(query: str) -> list[str]:
        page = services.search.search(query, k=TOP, mode=mode)
        return [result.article_id for result in page.results]

    return ask


def _measure(
    ask: Callable[[str], list[str]],
    queries: dict[str, str],
    qrels: Qrels,
    repeats: int,
    progress: Progress,
    name: str,
) -> dict[str, Any]:
    ask("warm up")
    rankings: dict[str, list[str]] = {}
    passes: list[dict[str, float]] = []
    progress.start(name, len(queries) * repeats)
    for _ in range(repeats):
        times: list[float] = []
        for query_id, text in queries.items():
            started = time.perf_counter()
            rankings[query_id] = ask(text)
            times.append(time.perf_counter() - started)
            progress.advance()
        passes.append(percentiles_ms(times, "latency"))
    summary = summarize(passes)
    return {
        "ndcg@10": round(score_rankings(qrels, rankings)["ndcg@10"], 4),
        "p50_ms": summary["latency_p50_ms"],
        "p95_ms": summary["latency_p95_ms"],
        "p99_ms": summary["latency_p99_ms"],
        "spread": summary["spread"],
    }
