"""The stack the fault tests break: a redis-server of our own (so it can be stopped and started
again on the same port), `footnote serve` and `footnote worker` as real processes, and the test
LLM server. One stack for the package: the model loads once in each process, and the processes
stop when the fault tests are done."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator

import pytest

from tasks.processes import spawn, stop, wait_until_up
from tests.builders import EXAMPLES, ROOT
from tests.faults.stack import EDITOR, LLM_TIMEOUT_S, SUBSET, TOKEN, RedisProcess, Stack
from tests.llm_server import running_llm_server
from tests.services import free_port


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("faults")
    articles = root / "articles"
    articles.mkdir()
    for slug in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", articles / f"{slug}.md")
    data_dir = root / "data"
    redis_process = RedisProcess(root)
    redis_process.start()
    with running_llm_server() as llm:
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONPATH": str(ROOT),
            "OMP_NUM_THREADS": "1",
            "FOOTNOTE_DATA_DIR": str(data_dir),
            "FOOTNOTE_SOURCE_DIR": str(articles),
            "FOOTNOTE_EDITOR_TOKEN": TOKEN,
            "FOOTNOTE_REDIS_URL": redis_process.url,
            "FOOTNOTE_LLM_BASE_URL": llm.base_url,
            "FOOTNOTE_LLM_API_KEY": "test-key",
            "FOOTNOTE_LLM_MODEL": "test-model",
            "FOOTNOTE_LLM_TIMEOUT_S": str(LLM_TIMEOUT_S),
            "FOOTNOTE_TASK_MAX_RETRIES": "1",
            # Limits high enough never to trip, so a Redis-backed limiter still runs.
            "FOOTNOTE_RATE_LIMIT_SEARCH": "100000/minute",
            "FOOTNOTE_RATE_LIMIT_ASK": "100000/minute",
            "FOOTNOTE_LOG_FORMAT": "text",
        }
        port = free_port()
        server_log, worker_log = root / "server.log", root / "worker.log"
        where = ["--data-dir", str(data_dir)]
        cli = [sys.executable, "-m", "footnote.cli"]
        server = spawn([*cli, "serve", "--port", str(port), *where], env, server_log, ROOT)
        worker = spawn([*cli, "worker", "--concurrency", "1", *where], env, worker_log, ROOT)
        stack = Stack(
            f"http://127.0.0.1:{port}", data_dir, redis_process, llm, server, worker,
            server_log, worker_log,
        )  # fmt: skip
        try:
            wait_until_up(stack.url, "/healthz", [server], [server_log], timeout_s=180)
            indexed = stack.post("/admin/reindex", headers=EDITOR)
            assert indexed.status_code == 202, indexed.text
            job = stack.wait_for(indexed.json()["job_id"], seconds=240)
            assert job["state"] == "succeeded", (job, stack.logs())
            assert stack.get("/readyz").status_code == 200
            yield stack
        finally:
            stop(worker, timeout_s=15)
            stop(server, timeout_s=15)
            redis_process.stop()
