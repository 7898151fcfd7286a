"""Embedding backends side by side: does ONNX give the vectors torch gives, and how fast?

Each backend (torch through sentence-transformers, ONNX fp32, ONNX int8) embeds the same sample
of chunk texts and queries in this run. Quality is the cosine between a backend's vector and
torch's for the same text (fp32 must stay within 1e-3, i.e. cosine >= 0.999) and the share of
each query's top-10 chunks (exact search over the sample) that the backend keeps. Speed is
tokens per second on the sample in batches, and the median time of one short query.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer

BACKENDS: tuple[str, ...] = ("torch", "onnx", "onnx-int8")
TOP = 10


def compare_backends(
    settings: Settings, texts: Sequence[str], queries: Sequence[str], tokenizer: Tokenizer
) -> dict[str, Any]:
    """Every backend measured on `texts` (passages) and `queries`; torch is the reference."""
    from indexer.bootstrap import load_model

    tokens = sum(tokenizer.count_many(list(texts)))
    reference_texts: np.ndarray | None = None
    reference_top: list[set[int]] = []
    result: dict[str, Any] = {"configured": settings.embed_backend, "texts": len(texts)}
    for backend in BACKENDS:
        embedder, _ = load_model(settings.model_copy(update={"embed_backend": backend}))
        assert embedder is not None
        embedder.embed(["warm up"])
        started = time.perf_counter()
        vectors = embedder.embed(list(texts))
        seconds = time.perf_counter() - started
        query_vectors = embedder.embed(list(queries))
        top = _top_ids(query_vectors, vectors)
        entry: dict[str, Any] = {
            "tokens_per_s": round(tokens / seconds, 1),
            "query_p50_ms": _query_p50_ms(embedder, queries),
        }
        if reference_texts is None:
            reference_texts, reference_top = vectors, top
        else:
            cosines = np.einsum("ij,ij->i", vectors, reference_texts)
            entry["mean_cosine_vs_torch"] = round(float(cosines.mean()), 6)
            entry["min_cosine_vs_torch"] = round(float(cosines.min()), 6)
            entry["top10_overlap_vs_torch"] = round(
                statistics.fmean(len(a & b) / TOP for a, b in zip(top, reference_top, strict=True)),
                4,
            )
        result[backend] = entry
        del embedder
    result["onnx_fp32_matches_torch"] = result["onnx"]["min_cosine_vs_torch"] >= 0.999
    return result


def _top_ids(queries: np.ndarray, passages: np.ndarray) -> list[set[int]]:
    scores = queries @ passages.T
    k = min(TOP, passages.shape[0])
    return [set(np.argsort(-row)[:k].tolist()) for row in scores]


def _query_p50_ms(embedder: Embedder, queries: Sequence[str]) -> float:
    timings = []
    for query in queries:
        started = time.perf_counter()
        embedder.embed([query])
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)
