"""A retrieval evaluation from start to end: index the corpus through the real pipeline into
a throwaway directory, ask every query in every mode, score the rankings, stamp the report.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from eval.datasets import open_dataset
from eval.metrics import latency_percentiles, score_rankings
from eval.model import Dataset, DatasetError, SetResult
from eval.queries import DEEP_K, run_query_set, warm_up
from eval.report import build_report
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.model import IndexReport
from indexer.ports import NoProgress, Progress

MODES: tuple[str, ...] = ("bm25", "dense", "hybrid")

Build = Callable[[Settings], Services]


def run_retrieval_eval(
    folder: Path,
    settings: Settings,
    *,
    build: Build,
    keep_index: Path | None = None,
    split: str = "test",
    progress: Progress | None = None,
    modes: Sequence[str] = MODES,
) -> dict[str, Any]:
    """Evaluate retrieval on the dataset in `folder` and return the report (see report.py).

    The index goes to a temporary directory, removed afterwards, unless `keep_index` names
    one to keep (and to reuse: an unchanged corpus re-embeds nothing). Everything else comes
    from `settings` (model, chunking, fusion).
    """
    progress = progress or NoProgress()
    started = time.perf_counter()
    with ExitStack() as stack:
        data_dir = keep_index or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        # Inside the data directory, so a kept index is re-synced from the same source path.
        dataset = open_dataset(folder, data_dir / "eval-source", split)
        longest = max((len(q) for s in dataset.sets for q in s.queries.values()), default=0)
        services = build(eval_settings(settings, data_dir, longest))
        indexed = index_dataset(services, dataset, progress)
        indexing_s = time.perf_counter() - started
        if settings.torch_threads is None:
            query_threads_as_served()
        results = evaluate_sets(services, dataset, progress, modes)
        articles, chunks = services.store.counts()
        return build_report(
            dataset,
            services.settings,
            generation=services.store.generation(),
            documents=articles,
            chunks=chunks,
            chunks_embedded=indexed.chunks_embedded,
            results=results,
            seconds={
                "load_and_index": indexing_s,
                "querying": time.perf_counter() - started - indexing_s,
            },
        )


def query_threads_as_served() -> None:
    """Answer queries on one CPU thread, as `footnote serve` does (OMP_NUM_THREADS=1).

    Indexing embeds in batches and gains from every core; one short query does not, and on a
    busy 2-core machine two torch threads waiting on each other took 114 ms per query
    embedding against 15 ms for one thread. Libraries not loaded (fakes) are left alone.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    faiss = sys.modules.get("faiss")
    if faiss is not None:
        faiss.omp_set_num_threads(1)


def eval_settings(settings: Settings, data_dir: Path, longest_query: int) -> Settings:
    """The run's settings: the caller's, with the index in `data_dir`, pages deep enough for
    Recall@100, and room for the dataset's longest query (BEIR queries can be paragraphs)."""
    return settings.model_copy(
        update={
            "data_dir": data_dir,
            "max_k": max(settings.max_k, DEEP_K),
            "max_query_chars": max(settings.max_query_chars, longest_query),
        }
    )


def index_dataset(services: Services, dataset: Dataset, progress: Progress) -> IndexReport:
    """Make the index hold exactly the dataset's documents. Raises DatasetError when a
    document fails to load or a reused index holds documents of another dataset."""
    report = services.indexing.sync_source(dataset.source, progress)
    if report.failed:
        raise DatasetError(
            f"{len(report.failed)} documents of {dataset.source} failed to load, "
            f"first: {report.failed[0]}"
        )
    loaded = len(report.added) + len(report.updated) + report.unchanged
    articles, _ = services.store.counts()
    if articles != loaded:
        raise DatasetError(
            f"the index in {services.settings.data_dir} holds {articles - loaded} articles "
            "that are not in this dataset: evaluate in a fresh directory"
        )
    return report


def evaluate_sets(
    services: Services, dataset: Dataset, progress: Progress, modes: Sequence[str] = MODES
) -> list[SetResult]:
    """Score every query set of `dataset` in every mode against the indexed corpus."""
    for mode in modes:
        warm_up(services.search, mode)
    results: list[SetResult] = []
    for query_set in dataset.sets:
        runs = {
            mode: run_query_set(
                services.search, query_set, mode, progress, dataset.ignore_identical_ids
            )
            for mode in modes
        }
        results.append(
            SetResult(
                name=query_set.name,
                queries=len(query_set.queries),
                metrics={m: score_rankings(query_set.qrels, r.rankings) for m, r in runs.items()},
                latency_ms={m: latency_percentiles(r.latencies_ms) for m, r in runs.items()},
                rejected={m: len(r.rejected) for m, r in runs.items() if r.rejected},
            )
        )
    return results
