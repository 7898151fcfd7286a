"""Analytics in Redis mode while Redis goes away: `footnote serve` keeps answering every search,
counts the events it could not append in /metrics, and appends again once Redis is back; the
events then fold into the search log (`footnote report fold`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
import redis

from indexer.adapters.redis_event_stream import STREAM
from tests.builders import ROOT
from tests.faults.stack import Stack

pytestmark = pytest.mark.integration
QUERIES = ("celery retries", "redis caching patterns", "row locking", "task observability")
_DROPPED = re.compile(r"^footnote_analytics_dropped_total ([0-9.e+]+)$", re.MULTILINE)


def dropped(stack: Stack) -> float:
    found = _DROPPED.search(stack.get("/metrics").text)
    assert found, "the dropped-events counter is missing from /metrics"
    return float(found.group(1))


def eventually(check: Callable[[], bool], what: str, stack: Stack, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s\n{stack.logs()}")


def stream_length(stack: Stack) -> int:
    return int(redis.Redis.from_url(stack.redis.url).xlen(STREAM))


def search_finds(stack: Stack, query: str) -> None:
    found = stack.get("/search", q=query)
    assert found.status_code == 200, found.text
    assert found.json()["results"], query


def recording_works(stack: Stack) -> None:
    """Searches until one reaches the stream: the first append after Redis restarted (in this
    test or another) may meet a dead pooled connection and drop its batch."""
    before = stream_length(stack)

    def recorded() -> bool:
        search_finds(stack, "celery retries")
        return stream_length(stack) > before

    eventually(recorded, "a search reached the stream", stack)


def test_a_redis_outage_during_searches_loses_no_search_and_recording_resumes(
    stack: Stack,
) -> None:
    recording_works(stack)
    dropped_before = dropped(stack)

    stack.redis.stop()
    try:
        for query in QUERIES:
            started = time.monotonic()
            search_finds(stack, query)
            assert time.monotonic() - started < 3, "search waited on the missing Redis"
        eventually(
            lambda: dropped(stack) >= dropped_before + len(QUERIES),
            "every event of the outage counted as dropped",
            stack,
        )
    finally:
        stack.redis.start()  # an empty Redis: what the stream held went with the old one

    recording_works(stack)
    resumed = stream_length(stack)
    for query in QUERIES:
        search_finds(stack, query)
    eventually(
        lambda: stream_length(stack) == resumed + len(QUERIES), "every search recorded", stack
    )

    env = {**os.environ, "PYTHONPATH": str(ROOT), "FOOTNOTE_REDIS_URL": stack.redis.url}
    command = [sys.executable, "-m", "footnote.cli", "report", "fold", "--json"]
    command += ["--data-dir", str(stack.data_dir)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["folded"] == resumed + len(QUERIES)
