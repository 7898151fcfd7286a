"""Jobs end to end: the API in-process, a real `footnote worker` process, real Redis (or the
embedded SQLite broker), the real model, FAISS and SQLite."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from footnote.processes import spawn, stop
from indexer.bootstrap import build, open_index
from indexer.config import Settings
from indexer.index.consistency import check_index
from indexer.ports import Embedder, Tokenizer
from search_api.app import create_app
from tests.conftest import EXAMPLES, ROOT
from tests.llm_server import LLMServer, running_llm_server

pytestmark = pytest.mark.integration
TOKEN = "editor-test-token"
# A slice of the sample keeps each worker's re-index to seconds.
SUBSET = [
    "celery-observable-tasks",
    "celery-retries-2022",
    "celery-retries-revisited-2025",
    "redis-caching-patterns",
    "postgresql-row-locking",
    "docker-for-real-teams",
    "unit-of-work-pattern",
    "why-async-processing-matters",
]


def copy_subset(target: Path) -> Path:
    target.mkdir(parents=True)
    for slug in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", target / f"{slug}.md")
    return target


EDITOR = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Stack:
    client: TestClient
    settings: Settings
    worker: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path


def start_worker(env: dict[str, str], data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    if env.get("FOOTNOTE_REDIS_URL"):
        # With Redis, the plain Celery command line: `footnote worker` is only a thin wrapper.
        command = [sys.executable, "-m", "celery", "-A", "tasks", "worker", "--concurrency=1"]
        command += ["--queues=answers,indexing", "--loglevel=INFO"]
    else:
        command = [sys.executable, "-m", "footnote.cli", "worker", "--concurrency", "1"]
        command += ["--data-dir", str(data_dir)]
    return spawn(command, env, log, ROOT)


@pytest.fixture(params=["redis", "embedded"])
def stack(
    request: pytest.FixtureRequest, tmp_path: Path, real_model: tuple[Embedder, Tokenizer]
) -> Iterator[Stack]:
    articles = copy_subset(tmp_path / "articles")
    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "FOOTNOTE_SOURCE_DIR": str(articles),
        "FOOTNOTE_EDITOR_TOKEN": TOKEN,
        "FOOTNOTE_DATA_DIR": str(data_dir),
    }
    env.pop("FOOTNOTE_REDIS_URL", None)
    if request.param == "redis":
        env["FOOTNOTE_REDIS_URL"] = request.getfixturevalue("redis_url")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        source_dir=articles,
        editor_token=TOKEN,
        redis_url=env.get("FOOTNOTE_REDIS_URL"),
    )
    embedder, tokenizer = real_model
    services = build(settings, embedder=embedder, tokenizer=tokenizer)
    log = tmp_path / "worker.log"
    worker = start_worker(env, data_dir, log)
    with TestClient(create_app(services)) as client:
        stack = Stack(client, settings, worker, env, log)
        try:
            yield stack
        finally:
            stop(stack.worker)


def wait_for(client: TestClient, job_id: str, seconds: float = 240) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}", headers=EDITOR).json()
        if job["state"] in ("succeeded", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s: {job}")


def test_an_editor_reindexes_upserts_and_deletes_through_the_worker(stack: Stack) -> None:
    client = stack.client
    reindex = client.post("/admin/reindex", headers=EDITOR).json()
    job = wait_for(client, reindex["job_id"])
    assert job["state"] == "succeeded", (job, stack.log.read_text()[-3000:])
    result = job["result"]
    assert isinstance(result, dict) and result["added"] == len(SUBSET)
    assert job["done"] == job["total"] and job["total"] > 0
    events = client.get(f"/jobs/{reindex['job_id']}/events", headers=EDITOR).text
    assert "event: progress" in events

    published = time.monotonic()
    article = {
        "title": "Quasar caching notes",
        "body": "## Warm-up\n\nPre-warm the quasar cache with the xylophone-key trick.",
        "published": "2026-11-01",
        "tags": ["redis"],
    }
    upsert = client.put("/admin/articles/quasar-notes", json=article, headers=EDITOR).json()
    assert wait_for(client, upsert["job_id"])["state"] == "succeeded"
    hits = client.get("/search", params={"q": "xylophone-key trick", "mode": "bm25"}).json()
    print(f"publish to searchable: {time.monotonic() - published:.2f} s")
    assert hits["results"][0]["article_id"] == "quasar-notes"

    delete = client.delete("/admin/articles/quasar-notes", headers=EDITOR).json()
    assert wait_for(client, delete["job_id"])["state"] == "succeeded"
    assert client.get("/articles/quasar-notes").status_code == 404


def reindex_under_way(stack: Stack) -> str:
    """Start a re-index and return its job id once a worker is at work on it (its progress
    has a total): chunking, embedding or committing, but not done."""
    job_id = str(stack.client.post("/admin/reindex", headers=EDITOR).json()["job_id"])
    deadline = time.monotonic() + 120
    while True:
        job = stack.client.get(f"/jobs/{job_id}", headers=EDITOR).json()
        assert job["state"] in ("queued", "running"), job
        if job["state"] == "running" and job["total"] > 0:
            return job_id
        assert time.monotonic() < deadline, stack.log.read_text()[-3000:]
        time.sleep(0.05)


def test_a_worker_process_killed_mid_reindex_leaves_a_consistent_index_and_the_job_completes(
    stack: Stack,
) -> None:
    client = stack.client
    # The whole sample, so that the re-index lasts seconds and the kill lands inside it.
    for path in (EXAMPLES / "articles").glob("*.md"):
        shutil.copy(path, stack.settings.source_dir / path.name)
    job_id = reindex_under_way(stack)
    children = subprocess.run(
        ["pgrep", "-P", str(stack.worker.pid)], capture_output=True, text=True
    ).stdout.split()
    assert children, "the worker has no pool process to kill"
    for child in children:
        os.kill(int(child), signal.SIGKILL)

    job = wait_for(client, job_id)
    assert job["state"] == "succeeded", (job, stack.log.read_text()[-3000:])
    assert job["attempts"] == 2
    files = open_index(stack.settings)
    report = check_index(files.store, files.reader)
    assert report.ok, report.problems
    assert report.articles == len(list(stack.settings.source_dir.glob("*.md")))


def test_a_whole_worker_killed_mid_reindex_and_started_again_ends_with_a_consistent_index(
    stack: Stack,
) -> None:
    client = stack.client
    reindex_under_way(stack)
    os.killpg(stack.worker.pid, signal.SIGKILL)
    stack.worker.wait()
    files = open_index(stack.settings)
    assert check_index(files.store, files.reader).ok

    stack.worker = start_worker(stack.env, stack.settings.data_dir, stack.log)
    again = client.post("/admin/reindex", headers=EDITOR).json()["job_id"]
    assert wait_for(client, again)["state"] == "succeeded", stack.log.read_text()[-3000:]
    report = check_index(files.store, files.reader)
    assert report.ok, report.problems
    assert report.articles == len(SUBSET)
    rows = files.store.conn.execute(
        "SELECT article_id, ordinal, count(*) FROM chunks WHERE removed_gen IS NULL "
        "GROUP BY article_id, ordinal HAVING count(*) > 1"
    ).fetchall()
    assert rows == [], "duplicate live chunks"


def ask(client: TestClient, question: str) -> dict[str, object]:
    accepted = client.post("/ask", json={"question": question})
    assert accepted.status_code == 202, accepted.text
    return wait_for(client, accepted.json()["job_id"])


def test_a_question_is_answered_with_citations_into_the_right_article_then_cached(
    stack: Stack,
) -> None:
    reindex = stack.client.post("/admin/reindex", headers=EDITOR).json()
    assert wait_for(stack.client, reindex["job_id"])["state"] == "succeeded"

    job = ask(stack.client, "How do I keep Celery tasks observable?")
    assert job["state"] == "succeeded", (job, stack.log.read_text()[-3000:])
    result = job["result"]
    assert isinstance(result, dict)
    assert result["kind"] == "extractive" and result["cached"] is False
    assert result["citations"], result
    assert result["citations"][0]["article_id"] == "celery-observable-tasks"
    assert "#" in result["citations"][0]["url"]
    assert "[1]" in result["answer"]

    again = ask(stack.client, "how do I keep celery tasks observable")
    assert isinstance(again["result"], dict) and again["result"]["cached"] is True
    assert again["result"]["answer"] == result["answer"]


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
    job = ask(stack.client, QUESTION + " (auth)")
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
