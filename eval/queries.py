"""Asking a query set of the search service, and reading documents off its pages.

`SearchService.search` pages are already grouped by article, best first, so a document's rank
is its article's rank: a document scores by its best chunk (dense and BM25), or by the fusion
of both sides' article scores (hybrid).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from eval.model import ModeRun, QuerySet
from indexer.errors import InvalidQuery
from indexer.ports import Progress
from indexer.search.search_service import SearchPage, SearchService

PAGE_K = 10
"""Articles on a reader's first page: the top 10 scored are exactly what a reader sees."""
DEEP_K = 100
"""Depth of the ranking scored, for Recall@100, asked for in one more request."""


def run_query_set(
    search: SearchService,
    query_set: QuerySet,
    mode: str,
    progress: Progress,
    ignore_identical_ids: bool = False,
) -> ModeRun:
    """Every query of the set in `mode`. A query the service rejects ranks nothing (and so
    scores 0) and is listed in `rejected`."""
    progress.start(f"{query_set.name} {mode}", len(query_set.queries))
    rankings: dict[str, list[str]] = {}
    latencies: list[float] = []
    rejected: list[str] = []
    for query_id, text in query_set.queries.items():
        try:
            ranking, took_ms = rank_documents(search, text, mode)
        except InvalidQuery:
            rankings[query_id] = []
            rejected.append(query_id)
        else:
            excluded = query_id if ignore_identical_ids else None
            rankings[query_id] = [doc for doc in ranking if doc != excluded][:DEEP_K]
            latencies.append(took_ms)
        progress.advance()
    return ModeRun(rankings, latencies, rejected)


def rank_documents(search: SearchService, query: str, mode: str) -> tuple[list[str], float]:
    """Document ids best first, and the milliseconds the first page took: the wait a reader
    has. The first page's order is kept as served; the deeper request only adds what follows
    (a page's depth of candidate chunks grows with k, which can move near ties)."""
    started = time.perf_counter()
    first = search.search(query, k=PAGE_K, mode=mode)
    took_ms = (time.perf_counter() - started) * 1000
    deep = search.search(query, k=DEEP_K, mode=mode)
    return documents_in_order([first, deep]), took_ms


def documents_in_order(pages: Sequence[SearchPage]) -> list[str]:
    """Article ids in the order the pages rank them, each once, at its first rank."""
    seen: dict[str, None] = {}
    for page in pages:
        for result in page.results:
            seen.setdefault(result.article_id, None)
    return list(seen)


def warm_up(search: SearchService, mode: str) -> None:
    """The first query of a mode loads the snapshot and the model's kernels: not a reader's
    wait, so it is asked before timing starts."""
    try:
        search.search("warm up", k=PAGE_K, mode=mode)
    except InvalidQuery:
        pass
