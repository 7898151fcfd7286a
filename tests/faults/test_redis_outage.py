"""Redis stopped and started again while `footnote serve` and `footnote worker` run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis

from indexer.adapters.redis_jobs import RedisJobStore
from indexer.errors import TransientError
from indexer.jobs.records import Job
from tests.faults.stack import QUESTION, RedisProcess, Stack

pytestmark = pytest.mark.integration


def test_while_redis_is_down_search_answers_and_ask_says_come_back_then_jobs_resume(
    stack: Stack,
) -> None:
    stack.llm.reset()
    worker_pid = stack.worker.pid
    before = stack.wait_for(stack.ask(QUESTION + " (before the outage)"))
    assert before["state"] == "succeeded", (before, stack.logs())

    stack.redis.stop()
    try:
        for query in (
            "celery retries",
            "redis caching patterns",
            "row locking",
            "task observability",
        ):
            started = time.monotonic()
            found = stack.get("/search", q=query)
            assert found.status_code == 200, found.text
            assert found.json()["results"], query
            assert time.monotonic() - started < 3, "search waited on the missing Redis"
        assert stack.get("/readyz").status_code == 200

        refused = stack.post("/ask", json={"question": QUESTION})
        assert refused.status_code == 503, refused.text
        assert int(refused.headers["Retry-After"]) > 0
        body = refused.json()
        assert body["error"] == "unavailable"
        assert "try again" in body["detail"].lower() and "redis" in body["detail"].lower()
        # Long enough for the worker to notice the broker is gone and start reconnecting.
        time.sleep(3)
    finally:
        stack.redis.start()

    started = time.monotonic()
    after = stack.post("/ask", json={"question": QUESTION + " (after the outage)"})
    assert after.status_code == 202, after.text
    job = stack.wait_for(after.json()["job_id"], seconds=60)
    assert job["state"] == "succeeded", (job, stack.logs())
    print(f"first job after Redis came back finished in {time.monotonic() - started:.1f} s")
    assert stack.worker.poll() is None and stack.worker.pid == worker_pid
    assert stack.get("/search", q="celery retries").status_code == 200


def test_the_job_store_answers_the_first_call_after_redis_restarts(tmp_path: Path) -> None:
    server = RedisProcess(tmp_path)
    server.start()
    try:
        # Options as the composition root sets them; several pooled connections go stale.
        client = redis.Redis.from_url(server.url, socket_timeout=2, socket_connect_timeout=2)
        store = RedisJobStore(client)
        store.create(Job(id="before", kind="ask"))
        held = [client.connection_pool.get_connection() for _ in range(3)]
        for connection in held:
            connection.send_command("PING")
            connection.read_response()
            client.connection_pool.release(connection)
        server.stop()
        with pytest.raises(TransientError, match="Redis is unavailable"):
            store.get("before")
        server.start()
        job, created = store.create(Job(id="after", kind="ask"))
        assert created and store.get("after") == job
    finally:
        server.stop()
