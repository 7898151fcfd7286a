"""One corpus size: build it, index it (for real, or with replicated vectors), then serve it
and measure `/search` over HTTP, and the memory of the processes that served it."""

from __future__ import annotations

import gc
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.bench import http_load
from eval.bench.corpus import (
    BenchCorpus,
    Passage,
    ReplicatedVectorEmbedder,
    build_corpus,
    chunks_per_passage,
    marker_words,
    size_label,
)
from eval.bench.incremental import edit_rounds
from eval.bench.indexing import index_corpus, raw_throughput
from eval.bench.stack import running_stack
from eval.bench.stats import summarize
from indexer.bootstrap import Services, build
from indexer.config import Settings
from indexer.ports import Embedder, Progress, Tokenizer
from indexer.text.chunking import ChunkingConfig

MODES = ("bm25", "dense", "hybrid")
Say = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    dataset: Path
    sizes: tuple[int, ...]
    workdir: Path
    repeats: int = 3
    queries: int = 200
    clients: int = 8
    raw_sample: int | None = None  # None: every text the pipeline embedded
    embed_up_to: int = 20_000
    articles: int = 1000
    edits: int = 5
    drain_jobs: int = 100
    peer: bool = True


@dataclass(frozen=True)
class Model:
    """The configured model, loaded once and shared by every index the bench builds."""

    embedder: Embedder
    tokenizer: Tokenizer
    onnx_dir: Path

    def build(self, settings: Settings) -> Services:
        return build(settings, embedder=self.embedder, tokenizer=self.tokenizer)


class QueryPool:
    """Every query of the dataset, handed out in turn: a query cache sees each query once
    for as long as the pool lasts (then it starts over), as readers rarely repeat exactly."""

    def __init__(self, texts: list[str]) -> None:
        self._texts = texts
        self._cycle = itertools.cycle(texts)

    def take(self, count: int) -> list[str]:
        return list(itertools.islice(self._cycle, count))

    def first(self, count: int) -> list[str]:
        """The first `count` queries, without moving the turn on."""
        return list(itertools.islice(itertools.cycle(self._texts), count))


def measure_size(
    options: BenchOptions,
    settings: Settings,
    model: Model,
    passages: list[Passage],
    pool: QueryPool,
    size: int,
    progress: Progress,
    say: Say,
) -> dict[str, Any]:
    label = size_label(size)
    largest = size == max(options.sizes)
    data_dir = options.workdir / f"index-{label}"
    at_size = settings.model_copy(update={"data_dir": data_dir})
    chunking = ChunkingConfig(settings.chunking.chunk_tokens, settings.chunking.overlap_tokens)
    replicated = size > options.embed_up_to
    corpus = build_corpus(
        passages,
        size,
        options.workdir / "corpora",
        per_passage=chunks_per_passage(passages, model.tokenizer, chunking),
        markers=marker_words(model.tokenizer),
        replicated_vectors=replicated,
    )
    vectors = "replicated vectors" if replicated else "embedded"
    say(f"{label}: indexing {corpus.articles} articles ({vectors})")
    entry: dict[str, Any] = {
        "label": label,
        "target_chunks": size,
        "vectors": vectors,
        "replicas": corpus.replicas,
    }
    if replicated:
        embedder = ReplicatedVectorEmbedder(model.embedder)
        services = build(at_size, embedder=embedder, tokenizer=model.tokenizer)
        run = index_corpus(services, corpus, progress)
        entry["indexing"] = {
            "measured": False,
            "note": "query corpus: replicated vectors; indexing throughput not measured here",
            "distinct_texts_embedded": embedder.embedded,
            "seconds": round(run.seconds, 2),
        }
    else:
        services = model.build(at_size)
        run = index_corpus(services, corpus, progress)
        progress.start(f"raw {label}", options.repeats)
        raw = summarize(raw_throughput(services, options.raw_sample, options.repeats))
        progress.advance(options.repeats)
        pipeline = run.as_dict()
        entry["indexing"] = {
            "measured": True,
            **pipeline,
            "raw": raw,
            "pipeline_vs_raw": round(pipeline["tokens_per_s"] / raw["tokens_per_s"], 3),
        }
    entry["articles"], entry["chunks"] = run.articles, run.chunks
    del services
    gc.collect()

    say(f"{label}: /search over HTTP, {options.repeats} x {options.queries} queries per mode")
    logs = options.workdir / "logs"
    with running_stack(data_dir, logs, model.onnx_dir, largest, settings.redis_url) as stack:
        http_load.warm_up(stack.url, pool.first(3), MODES)
        entry["query"] = query_runs(stack.url, pool, options, progress, label)
        if largest and stack.worker_rss is not None:
            # One edit makes the worker load the model and this index, as a real upsert does.
            say(f"{label}: one edit through the worker (its memory at this size)")
            stored = first_articles(corpus, 2)
            entry["publish_to_searchable_s"] = round(edit_rounds(stack, stored, 1)[0], 3)
            entry["worker_rss_mb"] = stack.worker_rss.peak_mb
        entry["api_rss_mb"] = stack.api_rss.peak_mb
    return entry


def query_runs(
    url: str, pool: QueryPool, options: BenchOptions, progress: Progress, label: str
) -> dict[str, Any]:
    """Per mode: one client, then `clients` at once, `repeats` times; medians with ranges."""
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    progress.start(f"query {label}", options.repeats * len(MODES) * 2)
    for _ in range(options.repeats):
        for mode in MODES:
            single = http_load.single_client(url, pool.take(options.queries), mode)
            progress.advance()
            burst = http_load.concurrent_clients(
                url, pool.take(options.queries), mode, options.clients
            )
            progress.advance()
            burst[f"rps_{options.clients}_clients"] = burst.pop("rps")
            burst.pop("requests")
            errors = single.pop("errors") + burst.pop("errors")
            runs[mode].append({**single, **burst, "errors": errors})
    return {mode: summarize(r) for mode, r in runs.items()}


def first_articles(corpus: BenchCorpus, count: int) -> list[Passage]:
    found: list[Passage] = []
    with corpus.source.open(encoding="utf-8") as lines:
        for line in itertools.islice(lines, count):
            row = json.loads(line)
            found.append(Passage(row["id"], row["title"], row["body"]))
    return found
