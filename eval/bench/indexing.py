"""Indexing throughput: the whole pipeline against the raw model on the same chunk texts.

The pipeline is `IndexingService.sync_source`, as `footnote index` runs it: load the JSONL,
chunk, embed, commit. The raw run then embeds the very chunk texts the pipeline embedded (read
back from the store), all of them, with the same embedder in one call, tokenizer included: what
the model alone does with the same work on this machine, right now. Their ratio is the
pipeline's efficiency. A sample would be cheaper but is not the same work: a few hundred texts
sort into batches with more padding than thousands do, and timing a few seconds on a shared
machine moved the yardstick by a fifth between runs.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from eval.bench.corpus import BenchCorpus
from indexer.bootstrap import Services
from indexer.ports import Progress


@dataclass(frozen=True)
class IndexRun:
    seconds: float
    articles: int
    chunks: int
    chunks_embedded: int
    tokens_embedded: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 2),
            "articles": self.articles,
            "chunks": self.chunks,
            "chunks_embedded": self.chunks_embedded,
            "tokens_embedded": self.tokens_embedded,
            "chunks_per_s": round(self.chunks_embedded / self.seconds, 1),
            "tokens_per_s": round(self.tokens_embedded / self.seconds, 1),
        }


def index_corpus(services: Services, corpus: BenchCorpus, progress: Progress) -> IndexRun:
    """Index the corpus into the (empty) index of `services`; raises if any article failed."""
    started = time.perf_counter()
    report = services.indexing.sync_source(corpus.source, progress)
    seconds = time.perf_counter() - started
    if report.failed:
        raise RuntimeError(f"{len(report.failed)} bench articles failed: {report.failed[0]}")
    articles, chunks = services.store.counts()
    texts = distinct_chunk_texts(services)
    tokens = sum(services.tokenizer.count_many(texts))
    return IndexRun(seconds, articles, chunks, report.chunks_embedded, tokens)


def distinct_chunk_texts(services: Services) -> list[str]:
    """What the embedder saw: each live chunk's title prefix and text, once per content."""
    return list(dict.fromkeys(text for _, text in services.store.live_chunk_texts()))


def raw_throughput(
    services: Services, sample_size: int | None, repeats: int, seed: int = 0
) -> list[dict[str, float]]:
    """Embed the indexed chunk texts (or a sample of `sample_size`) `repeats` times; chunks/s
    and tokens/s each."""
    texts = distinct_chunk_texts(services)
    sample = texts
    if sample_size is not None and sample_size < len(texts):
        sample = random.Random(seed).sample(texts, sample_size)
    tokens = sum(services.tokenizer.count_many(sample))
    services.embedder.embed(sample[:8])  # first call: kernels and buffers, not throughput
    runs: list[dict[str, float]] = []
    for _ in range(repeats):
        started = time.perf_counter()
        services.embedder.embed(sample)
        seconds = time.perf_counter() - started
        runs.append(
            {
                "chunks": float(len(sample)),
                "seconds": seconds,
                "chunks_per_s": len(sample) / seconds,
                "tokens_per_s": tokens / seconds,
            }
        )
    return runs
