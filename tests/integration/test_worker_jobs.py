"""Jobs end to end: the API in-process, a real `footnote worker` process, real Redis (or the
embedded SQLite broker), the real model, FAISS and SQLite. Answers through a language model
are in test_worker_llm_answers.py."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.bootstrap import build, open_index
from indexer.config import Settings
from indexer.index.consistency import check_index
from indexer.ports import Embedder, Tokenizer
from search_api.app import create_app
from tasks.processes import stop
from tests.builders import EXAMPLES, ROOT
from tests.integration.worker_stack import (
    EDITOR,
    SUBSET,
    TOKEN,
    Stack,
    ask,
    copy_subset,
    start_worker,
    wait_for,
)

pytestmark = pytest.mark.integration


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
    assert "[1]" in result["answer_html"] and "`" not in result["answer_plain"]
    assert all(citation["quote_html"] for citation in result["citations"])

    again = ask(stack.client, "how do I keep celery tasks observable")
    assert isinstance(again["result"], dict) and again["result"]["cached"] is True
    for field in ("answer", "answer_plain", "answer_html", "citations"):
        assert again["result"][field] == result[field], field
