"""Answers through a language model, end to end: a real worker process over Redis asks the
scripted OpenAI-compatible test server, with the real model, FAISS and SQLite."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from indexer.bootstrap import build
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from search_api.app import create_app
from tasks.processes import stop
from tests.builders import ROOT
from tests.integration.worker_stack import Stack, ask, copy_subset, start_worker
from tests.llm_server import LLMServer, running_llm_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def llm_stack(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, real_model: tuple[Embedder, Tokenizer]
) -> Iterator[tuple[Stack, LLMServer]]:
    """Redis mode with a worker that answers through the test LLM server (one per module)."""
    tmp_path = tmp_path_factory.mktemp("llm-stack")
    with running_llm_server() as llm:
        articles = copy_subset(tmp_path / "articles")
        data_dir = tmp_path / "data"
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": str(ROOT),
            "FOOTNOTE_REDIS_URL": redis_url,
            "FOOTNOTE_DATA_DIR": str(data_dir),
            "FOOTNOTE_LLM_BASE_URL": llm.base_url,
            "FOOTNOTE_LLM_API_KEY": "test-key",
            "FOOTNOTE_LLM_MODEL": "test-model",
            "FOOTNOTE_LLM_TIMEOUT_S": "2",
            "FOOTNOTE_TASK_MAX_RETRIES": "1",
        }
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=data_dir,
            redis_url=redis_url,
            llm_base_url=llm.base_url,
            llm_api_key="test-key",
            llm_model="test-model",
        )
        embedder, tokenizer = real_model
        services = build(settings, embedder=embedder, tokenizer=tokenizer)
        services.indexing.sync_source(articles)
        log = tmp_path / "worker.log"
        worker = start_worker(env, data_dir, log)
        try:
            with TestClient(create_app(services)) as client:
                yield Stack(client, settings, worker, env, log), llm
        finally:
            stop(worker)


QUESTION = "Which Celery setting keeps a task from being lost when a worker dies?"


def test_an_llm_answer_keeps_valid_citations_and_drops_invented_ones(
    llm_stack: tuple[Stack, LLMServer],
) -> None:
    stack, llm = llm_stack
    llm.reset()
    llm.reply("Set acks_late so the message is acknowledged after the task [1]. See also [9].")
    job = ask(stack.client, QUESTION)
    assert job["state"] == "succeeded", (job, stack.log.read_text()[-3000:])
    result = job["result"]
    assert isinstance(result, dict) and result["kind"] == "llm"
    assert result["removed_markers"] == ["[9]"]
    assert "[9]" not in result["answer"] and "[1]" in result["answer"]
    assert [c["number"] for c in result["citations"]] == [1]
    assert result["usage"]["prompt_tokens"] > 0
    prompt = llm.requests[-1].user
    assert result["citations"][0]["quote"][:40] in prompt


def test_a_provider_error_fails_the_job_with_its_reason(llm_stack: tuple[Stack, LLMServer]) -> None:
    stack, llm = llm_stack
    llm.reset()
    llm.fail(401)
    # Asked in other words, so that no cached answer stands in for the model call (a made-up
    # word such as "(auth)" would be a specific term no passage holds: an abstention).
    job = ask(stack.client, QUESTION.replace("when a worker", "if its worker"))
    assert job["state"] == "failed"
    assert "401" in str(job["error"]) or "rejected" in str(job["error"]).lower()


def test_a_stalled_provider_fails_the_job_within_its_time_limit(
    llm_stack: tuple[Stack, LLMServer],
) -> None:
    stack, llm = llm_stack
    llm.reset()
    llm.stall(30)
    started = time.monotonic()
    job = ask(stack.client, QUESTION + " (stall)")
    assert job["state"] == "failed", job
    assert "retries" in str(job["error"])
    assert time.monotonic() - started < 60
