"""The answer path on a real model's output, through the reader's way in: `POST /ask`, a worker
answering with llama.cpp, `GET /jobs/{id}/events`. Each test asks its own question: a repeated
one would come from the answer cache without reaching the model."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from tests.llm.conftest import MAX_TOKENS, Stack

LONG_REPLY = 96

pytestmark = pytest.mark.integration


def resolve(result: dict[str, Any]) -> None:
    """Every [n] left in the answer names a citation of a passage the model was given."""
    supplied = {source["chunk_id"] for source in result["sources"]}
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", result["answer"])]
    assert all(1 <= n <= len(result["citations"]) for n in numbers), result["answer"]
    assert all(c["chunk_id"] in supplied for c in result["citations"]), result


def collect(stack: Stack, question: str) -> tuple[list[tuple[float, str]], dict[str, Any], float]:
    """The streamed tokens with their arrival times, the result event and when it came."""
    tokens: list[tuple[float, str]] = []
    result: dict[str, Any] = {}
    finished = 0.0
    for arrived, kind, data in stack.events(stack.ask(question)):
        if kind == "token":
            tokens.append((arrived, data["text"]))
        elif kind == "result":
            result, finished = data, arrived
    return tokens, result, finished


def test_tokens_reach_an_sse_client_while_the_model_writes_them(stack: Stack) -> None:
    # A reply long enough to outlast several of the event stream's polls (every 0.1 s) even
    # on an idle machine, where this model writes 48 tokens in about a quarter of a second.
    # Twice that still leaves the prompt room for a passage in the 512-token window.
    stack.start_worker(llm_max_tokens=str(LONG_REPLY))
    try:
        # Not the cancelling test's question: a cached answer would never reach the model.
        tokens, result, finished = collect(
            stack, "What should a team log about each Celery task it runs?"
        )
    finally:
        stack.start_worker()
    assert result.get("state") == "succeeded", (result, stack.logs())
    answer = result["result"]
    assert answer["model"], (answer, stack.logs())  # the model was asked and answered
    if answer["kind"] == "llm":
        assert "".join(text for _, text in tokens) == answer["answer"]
    # The reply reaches the client in several separate moments spread over its writing, the
    # first well before the job is done; a reply sent whole at the end would arrive at once.
    # (Gemma 270M is a base model: it writes no [n], so what the reader is finally given is
    # the quoted answer.)
    moments = sorted({round(arrived, 2) for arrived, _ in tokens})
    assert len(moments) >= 4, tokens
    assert tokens[-1][0] - tokens[0][0] > 0.25, tokens
    assert finished - tokens[0][0] > 0.25, tokens
    assert answer["usage"]["completion_tokens"] <= LONG_REPLY
    resolve(answer)


def test_cancelling_a_job_stops_the_model_mid_reply(stack: Stack) -> None:
    """The worker checks for a cancel at every piece of the reply, so the cancel takes effect
    once the model writes (a cancel while it reads the prompt, at its first token)."""
    job_id = stack.ask("What should a team log about every Celery task it runs?")
    deadline = time.monotonic() + 120
    while stack.tokens_decoded() == 0:
        assert time.monotonic() < deadline, stack.logs()
        assert stack.get(f"/jobs/{job_id}").json()["state"] in ("queued", "running")
        time.sleep(0.05)
    predicted_before = stack.llama.metric("tokens_predicted_total")
    assert httpx.delete(f"{stack.url}/jobs/{job_id}").json()["state"] == "cancelled"
    stopped_at = time.monotonic()
    while stack.slot_busy():
        assert time.monotonic() - stopped_at < 10, "the model kept generating after the cancel"
        time.sleep(0.05)
    # The client's stream closes on the cancellation, and the model wrote less than its limit.
    last = list(stack.events(job_id))[-1]
    assert last[1] == "result" and last[2]["state"] == "cancelled", last
    written = stack.llama.metric("tokens_predicted_total") - predicted_before
    assert 0 < written < MAX_TOKENS, written


def test_the_prompt_fits_the_context_window_the_server_reports(stack: Stack) -> None:
    """Six passages (the default) and their instructions take more than the server's 512
    tokens less the answer's: the worker asks the server for its window and leaves whole
    passages out, where a prompt built to the 3000-token budget would be refused."""
    job = stack.wait_for(stack.ask("Why should every cache TTL get some random jitter?", k=6))
    assert job["state"] == "succeeded", (job, stack.logs())
    answer = job["result"]
    assert answer["model"], answer  # it reached the model, which took the prompt
    window = stack.llama.n_ctx
    assert 0 < answer["usage"]["prompt_tokens"] <= window - MAX_TOKENS, answer["usage"]
    worker_log = (stack.root / "worker.log").read_text()
    assert f"context window of gemma-3-270m at {stack.llama.base_url}: {window} tokens" in (
        worker_log
    )
    resolve(answer)


def test_a_job_past_its_llm_time_limit_fails_with_the_reason_in_time(stack: Stack) -> None:
    # An idle machine reads the prompt and writes all 48 tokens of this small model in about
    # a second: a quarter of one is always exceeded.
    stack.start_worker(llm_timeout_s="0.25")
    try:
        predicted_before = stack.llama.metric("tokens_predicted_total")
        started = time.monotonic()
        job = stack.wait_for(stack.ask("How are Celery task retries spaced out?"), seconds=120)
        assert job["state"] == "failed", job
        assert "language model" in str(job["error"]), job["error"]
        assert re.search(r"did not answer|still writing", str(job["error"])), job["error"]
        # Waiting for the new worker to start counts too; the model call itself ends within
        # the timeout plus the deadline.
        assert time.monotonic() - started < 90
        # llama.cpp learns the reader left when it next writes: it then stops, well short
        # of the reply's limit.
        deadline = time.monotonic() + 120
        while stack.slot_busy():
            assert time.monotonic() < deadline, "the abandoned reply was still being written"
            time.sleep(0.1)
        assert stack.llama.metric("tokens_predicted_total") - predicted_before < MAX_TOKENS
    finally:
        stack.start_worker()
