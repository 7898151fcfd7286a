"""Exact FAISS search against the ANN index, over the same vectors and query vectors.

The vectors of the largest corpus's snapshot are added to two in-memory indexes through the
VectorIndex port: one without ANN settings (exact at any size) and one whose ANN threshold is
at or below the corpus size (the HNSW graph, with the configured `hnsw_m` and
`hnsw_ef_search`). Recall@10 is the share of the exact top-10 chunk ids the ANN top-10 finds.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval.bench.stats import percentiles_ms
from indexer.bootstrap import VectorBackend, build, faiss_backend
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer, VectorIndex

_TIE = 1e-5  # float32 inner products of identical vectors differ in the last bits
TOP = 10


def compare_ann(
    settings: Settings,
    embedder: Embedder,
    tokenizer: Tokenizer,
    queries: Sequence[str],
    chunks: int,
) -> dict[str, Any]:
    """Latency of both arms and the ANN arm's recall@10 against exact search."""
    services = build(settings, embedder=embedder, tokenizer=tokenizer)
    stored = services.reader.current().vectors
    ids = sorted(stored.ids())
    vectors = stored.vectors(ids)
    threshold = min(settings.ann_min_vectors, len(ids))
    backends: dict[str, VectorBackend] = {
        "exact": faiss_backend(settings, exact=True),
        "ann": faiss_backend(settings.model_copy(update={"ann_min_vectors": threshold})),
    }
    started = time.perf_counter()
    arms: dict[str, VectorIndex] = {}
    for name, backend in backends.items():
        arms[name] = backend.empty(len(vectors[0]))
        arms[name].add(ids, vectors)
    build_s = time.perf_counter() - started
    del vectors
    query_vectors = embedder.embed(list(queries))
    result: dict[str, Any] = {
        "ann_min_vectors_used": threshold,
        "vectors": len(ids),
        "queries": len(queries),
        "build_s": round(build_s, 2),
        "served_index_approximate": getattr(stored, "is_approximate", None),
    }
    rankings: dict[str, list[list[tuple[int, float]]]] = {}
    for name, index in arms.items():
        result[f"{name}_approximate"] = getattr(index, "is_approximate", None)
        index.search(query_vectors[:1], TOP)
        times: list[float] = []
        found: list[list[tuple[int, float]]] = []
        for row in query_vectors:
            began = time.perf_counter()
            hits = index.search(np.ascontiguousarray(row[None, :]), TOP)
            times.append(time.perf_counter() - began)
            found.append(hits)
        rankings[name] = found
        for key, value in percentiles_ms(times, "faiss").items():
            result[key.replace("faiss", name)] = value
    pairs = list(zip(rankings["ann"], rankings["exact"], strict=True))
    recalls = [tie_aware_recall(a, e) for a, e in pairs if e]
    overlaps = [len({i for i, _ in a} & {i for i, _ in e}) / len(e) for a, e in pairs if e]
    result["recall_at_10_vs_exact"] = round(float(np.mean(recalls)), 4) if recalls else None
    result["id_overlap_at_10_vs_exact"] = round(float(np.mean(overlaps)), 4) if overlaps else None
    if not result["ann_approximate"]:
        result["note"] = "the ANN arm stayed exact: the index did not switch to HNSW"
    return result


def tie_aware_recall(found: list[tuple[int, float]], exact: list[tuple[int, float]]) -> float:
    """Share of the exact top k that `found` matches, where any vector scoring as high as the
    exact k-th counts: with identical vectors (the bench's replicas share their base
    passage's), exact search and HNSW pick different members of a tie, and plain id overlap
    would count an equally good answer as a miss. HNSW here keeps full vectors, so its scores
    are exact inner products."""
    kth = exact[-1][1]
    good = sum(1 for _, score in found if score >= kth - _TIE)
    return min(good, len(exact)) / len(exact)
