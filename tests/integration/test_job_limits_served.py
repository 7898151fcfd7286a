"""Backpressure against a real server, in both modes: past FOOTNOTE_MAX_QUEUED_ASK waiting
questions `POST /ask` answers 503 with Retry-After, editors' jobs are still accepted and done,
and a question that waited past FOOTNOTE_ASK_EXPIRE_AFTER_S ends `expired`, never run.

The worker's pool is paused (SIGSTOP) to hold the queue still; its main process keeps serving
the broker, so what it has taken from the queue waits in the paused processes, still `queued`.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from eval.bench.drain import paused_pool
from tests.integration.served_jobs import QUESTIONS, editor, served, wait_for

pytestmark = pytest.mark.integration
MAX_QUEUED = 3
EXPIRE_AFTER_S = 2
LIMITS = {
    "FOOTNOTE_MAX_QUEUED_ASK": str(MAX_QUEUED),
    "FOOTNOTE_ASK_EXPIRE_AFTER_S": str(EXPIRE_AFTER_S),
}
ARTICLE = {"title": "Quokka notes", "body": "## Warm-up\n\nThe quokka-ledger trick."}


@pytest.mark.parametrize("mode", ["embedded", "redis"])
def test_a_full_queue_refuses_questions_keeps_editors_jobs_and_expires_stale_ones(
    mode: str,
    served_template: Path,
    tmp_path: Path,
    onnx_dir: Path,
    request: pytest.FixtureRequest,
) -> None:
    redis_url = request.getfixturevalue("redis_url") if mode == "redis" else None
    with served(served_template, tmp_path, onnx_dir, redis_url, LIMITS) as stack:
        assert stack.worker_pid is not None
        with httpx.Client(base_url=stack.url, timeout=30) as client:
            wait_for(stack, ask(client, "warm the worker up"))
            with paused_pool(stack.worker_pid):
                waiting = [ask(client, QUESTIONS[n]) for n in range(MAX_QUEUED)]
                refused = client.post("/ask", json={"question": "one too many"})
                edits = [
                    client.put(f"/admin/articles/quokka-{n}", json=ARTICLE, headers=editor(stack))
                    for n in range(MAX_QUEUED + 2)
                ]
                time.sleep(EXPIRE_AFTER_S + 0.5)
            assert refused.status_code == 503, refused.text
            assert refused.headers["Retry-After"].isdigit()
            assert refused.json()["error"] == "queue_full"
            assert f"({MAX_QUEUED}, the limit is {MAX_QUEUED})" in refused.json()["detail"]
            assert [e.status_code for e in edits] == [202] * len(edits)

            # Stale questions no longer count: a fresh one gets in, and is answered after
            # the worker has skipped the stale ones ahead of it in the queue.
            fresh = wait_for(stack, ask(client, QUESTIONS[0]))
            assert fresh["state"] == "succeeded", (fresh, stack.log_tail())
            for edit in edits:
                assert wait_for(stack, edit.json()["job_id"])["state"] == "succeeded"
            first_look = time.time()
            for job_id in waiting:
                job = client.get(f"/jobs/{job_id}").json()
                assert job["state"] == "expired", job
                assert job["attempts"] == 0 and job["started_at"] is None
                assert "ask again" in job["error"]
                # Ended by the worker when it reached the job, not by this first poll.
                assert job["finished_at"] < first_look


def ask(client: httpx.Client, question: str) -> str:
    accepted = client.post("/ask", json={"question": question})
    assert accepted.status_code == 202, accepted.text
    return str(accepted.json()["job_id"])
