"""The LLM endpoint erroring, stalling and sending garbage, under a real server and worker.

tests/integration/test_worker_jobs.py covers a rejected request (401) and a stall failing the
job; these add what it leaves out: a 5xx that is retried then fails, garbage replies, and the
API staying responsive while a worker waits on a stalled LLM, and an LLM that keeps writing
slowly past the deadline.
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.faults.stack import LLM_TIMEOUT_S, QUESTION, Stack

pytestmark = pytest.mark.integration
# One timeout per attempt, one retry (FOOTNOTE_TASK_MAX_RETRIES=1) after at most 2 s of backoff,
# and the deadline the adapter allows past its timeout: far under the 90 s soft limit.
ENDS_WITHIN_S = 4 * LLM_TIMEOUT_S + 10


def test_an_llm_answering_503_is_retried_then_the_job_fails_with_the_reason(stack: Stack) -> None:
    stack.llm.reset()
    stack.llm.fail(503)
    started = time.monotonic()
    job = stack.wait_for(stack.ask(QUESTION + " (503)"), seconds=ENDS_WITHIN_S)
    assert job["state"] == "failed", job
    assert "503" in str(job["error"]) and "retries" in str(job["error"]), job["error"]
    assert job["attempts"] == 2
    assert len(stack.llm.requests) == 2
    assert time.monotonic() - started < ENDS_WITHIN_S


def test_an_llm_trickling_past_its_deadline_is_abandoned_and_the_job_fails(stack: Stack) -> None:
    stack.llm.reset()
    # Every piece arrives well within the read timeout, the whole reply far past the deadline.
    stack.llm.reply("Set acks_late on the task [1]. " * 8, chunk_delay_s=0.25)
    started = time.monotonic()
    job = stack.wait_for(stack.ask(QUESTION + " (trickle)"), seconds=ENDS_WITHIN_S)
    assert job["state"] == "failed", job
    assert "still writing" in str(job["error"]), job["error"]
    assert time.monotonic() - started < ENDS_WITHIN_S


# Each case asks a distinct question (finished answers are cached), in the articles' own words:
# a question naming something no article mentions ("invalid_json") is not answered at all.
@pytest.mark.parametrize(
    ("garbage", "variant"),
    [("invalid_json", "worker crash"), ("empty_choices", "broker"), ("empty_text", "message")],
)
def test_garbage_from_the_llm_fails_the_job_at_once_with_the_reason(
    stack: Stack, garbage: str, variant: str
) -> None:
    stack.llm.reset()
    stack.llm.send_garbage(garbage)  # type: ignore[arg-type]
    job = stack.wait_for(stack.ask(f"{QUESTION} ({variant})"), seconds=ENDS_WITHIN_S)
    assert job["state"] == "failed", job
    error = str(job["error"]).lower()
    assert "language model" in error, error
    assert job["attempts"] == 1, "unusable output is not worth a retry"


def test_the_api_answers_while_a_worker_waits_on_a_stalled_llm(stack: Stack) -> None:
    stack.llm.reset()
    stack.llm.stall(10)  # outlives both attempts, then ends by itself
    job_id = stack.ask(QUESTION + " (stalled)")
    deadline = time.monotonic() + 30
    while not stack.llm.requests:  # the worker is now inside the stalled call
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.05)

    latencies: list[float] = []
    failures: list[str] = []

    def reader() -> None:
        for query in ("celery retries", "redis caching", "row locking", "task observability"):
            started = time.monotonic()
            response = stack.get("/search", q=query)
            latencies.append(time.monotonic() - started)
            if response.status_code != 200:
                failures.append(response.text)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=30)
    assert not failures
    assert len(latencies) == 12 and max(latencies) < LLM_TIMEOUT_S, latencies
    assert stack.get("/readyz").status_code == 200
    polled = stack.get(f"/jobs/{job_id}").json()
    assert polled["state"] in ("queued", "running"), "the stall should still be under way"

    job = stack.wait_for(job_id, seconds=ENDS_WITHIN_S)
    assert job["state"] == "failed" and "did not answer" in str(job["error"]), job
    stack.llm.reset()
    after = stack.wait_for(stack.ask(QUESTION + " (after the stall)"))
    assert after["state"] == "succeeded", (after, stack.logs())
