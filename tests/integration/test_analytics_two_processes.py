"""Analytics in Redis mode with real processes: two `footnote serve` on one data directory append
their searches to the Redis stream, a `footnote worker --beat` folds it, and every search is in
the search log exactly once."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
import redis

from eval.bench.stack import Stack, running_stack
from indexer.adapters.redis_event_stream import STREAM
from indexer.adapters.sqlite_analytics import SqliteSearchLog
from indexer.bootstrap import build_fold
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.integration.served_jobs import index_subset

pytestmark = pytest.mark.integration
SEARCHES = 12
FOLD_EVERY_S = "1"


def searched(stack: Stack, queries: list[str]) -> None:
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        for query in queries:
            response = client.get("/search", params={"q": query, "mode": "bm25"})
            assert response.status_code == 200, response.text


def folded(log: SqliteSearchLog, expected: int, stacks: list[Stack], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(log.queries(0)) >= expected:
            return
        time.sleep(0.2)
    tails = "\n".join(stack.log_tail() for stack in stacks)
    raise AssertionError(f"{len(log.queries(0))} of {expected} events folded:\n{tails}")


def test_events_from_two_api_processes_on_redis_are_counted_once_each(
    tmp_path: Path, real_model: tuple[Embedder, Tokenizer], onnx_dir: Path, redis_url: str
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(index_subset(tmp_path / "template", real_model), data_dir)
    redis.Redis.from_url(redis_url).delete(STREAM)  # and its group: what other tests left
    first_queries = [f"celery retries {i}" for i in range(SEARCHES)]
    second_queries = [f"redis caching {i}" for i in range(SEARCHES)]
    logs = tmp_path / "logs"
    fold_env = {"FOOTNOTE_ANALYTICS_FOLD_EVERY_S": FOLD_EVERY_S}
    with (
        running_stack(data_dir, logs, onnx_dir, False, redis_url) as first,
        running_stack(
            data_dir, logs, onnx_dir, True, redis_url, settings_env=fold_env, beat=True
        ) as second,
    ):
        searched(first, first_queries)
        searched(second, second_queries)
        log = SqliteSearchLog(data_dir / "analytics.sqlite")
        folded(log, 2 * SEARCHES, [first, second])
        # Several more ticks of the worker's beat: nothing is folded twice.
        time.sleep(3 * float(FOLD_EVERY_S))
        counts = Counter(q.text for q in log.queries(0))
        assert counts == Counter(first_queries + second_queries)
        settings = Settings(data_dir=data_dir, redis_url=redis_url, _env_file=None)  # type: ignore[call-arg]
        fold = build_fold(settings)
        assert fold is not None and fold.fold().folded == 0
        assert len(log.queries(0)) == 2 * SEARCHES
