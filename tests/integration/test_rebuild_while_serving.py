"""`footnote index --rebuild` under a running `footnote serve` (with its embedded worker): the
API keeps serving, generations only move forward, an upsert accepted meanwhile survives a
restart, and a rebuild killed at any point leaves the previous index serving."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from indexer.bootstrap import build
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tasks.processes import spawn, stop, wait_until_up
from tests.builders import ROOT
from tests.integration.writers import (
    CLI,
    SUBSET,
    PausedWriter,
    check,
    copy_subset,
    environment,
    readiness_generation,
    report_of,
)
from tests.services import free_port

pytestmark = pytest.mark.integration
TOKEN = "rebuild-editor-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Live:
    source: Path
    data_dir: Path
    log: Path
    url: str = ""
    server: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = environment(
            FOOTNOTE_EDITOR_TOKEN=TOKEN,
            FOOTNOTE_WORKER_CONCURRENCY="1",
            FOOTNOTE_RATE_LIMIT_SEARCH="0",
            FOOTNOTE_RATE_LIMIT_ASK="0",
        )
        env.pop("FOOTNOTE_REDIS_URL", None)  # the embedded mode: serve starts its worker
        command = [*CLI, "serve", "--port", str(port), "--data-dir", str(self.data_dir)]
        self.server = spawn(command, env, self.log, ROOT)
        wait_until_up(self.url, "/readyz", [self.server], [self.log], timeout_s=180)

    def stop(self) -> None:
        if self.server is not None:
            stop(self.server, timeout_s=20)

    def upsert(self, article_id: str, title: str, body: str) -> str:
        article = {"title": title, "body": body}
        response = httpx.put(
            f"{self.url}/admin/articles/{article_id}", json=article, headers=EDITOR, timeout=10
        )
        assert response.status_code == 202, response.text
        return str(response.json()["job_id"])

    def job(self, job_id: str) -> dict[str, Any]:
        # The editor token reads every job, editors' (these upserts) included.
        return dict(httpx.get(f"{self.url}/jobs/{job_id}", headers=EDITOR, timeout=10).json())

    def wait_for(self, job_id: str, state: str, seconds: float = 180) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        job = self.job(job_id)
        while job["state"] != state and time.monotonic() < deadline:
            assert job["state"] in ("queued", "running", state), (job, self.log.read_text()[-3000:])
            time.sleep(0.1)
            job = self.job(job_id)
        assert job["state"] == state, (job, self.log.read_text()[-3000:])
        return job

    def top_article(self, query: str) -> str | None:
        response = httpx.get(f"{self.url}/search", params={"q": query, "mode": "bm25"}, timeout=10)
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        return str(results[0]["article_id"]) if results else None


@dataclass
class Watcher:
    """Searches and reads /readyz without pause from a thread, recording what it saw."""

    url: str
    generations: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Watcher:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as client:
            while not self._stop.is_set():
                ready = client.get("/readyz")
                self.generations.append(int(ready.json()["generation"]))
                found = client.get("/search", params={"q": "celery retries backoff"})
                if found.status_code != 200 or not found.json()["results"]:
                    self.failures.append(f"{found.status_code}: {found.text[:200]}")
                time.sleep(0.05)


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, real_model: tuple[Embedder, Tokenizer]
) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("rebuild-live")
    live = Live(copy_subset(root / "articles"), root / "data", root / "server.log")
    embedder, tokenizer = real_model
    settings = Settings(data_dir=live.data_dir, _env_file=None)  # type: ignore[call-arg]
    build(settings, embedder=embedder, tokenizer=tokenizer).indexing.sync_source(live.source)
    live.start()
    try:
        yield live
    finally:
        live.stop()


def rebuild_paused_at(live: Live, *points: str) -> PausedWriter:
    return PausedWriter(live.data_dir, list(points), "index", str(live.source), "--rebuild",
                        "--json")  # fmt: skip


def test_upserts_accepted_during_a_rebuild_survive_it_and_a_restart(live: Live) -> None:
    before = readiness_generation(live.url)
    with Watcher(live.url) as watcher:
        rebuild = rebuild_paused_at(live, "locking", "committing")
        rebuild.wait_paused("locking")  # every article embedded from what it read
        body = "## Field notes\n\nThe marmoset-ledger keeps every upsert."
        job = live.upsert("late-note", "Marmoset ledger", body)
        live.wait_for(job, "succeeded")
        rebuild.resume()
        rebuild.wait_paused("committing")  # holding the write lock
        queued = live.upsert("queued-note", "Tapir queue", "## Waiting\n\nThe tapir-queue note.")
        live.wait_for(queued, "running")  # embedded, now waiting for the lock
        time.sleep(1)
        code, out, err = rebuild.finish()
        assert code == 0, err
        assert report_of(out)["generation"] == before + 2
        live.wait_for(queued, "succeeded")
        deadline = time.monotonic() + 10
        while readiness_generation(live.url) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.1)

    assert len(watcher.generations) > 20, "the watcher barely looked"
    assert watcher.generations == sorted(watcher.generations), "a generation went backwards"
    assert watcher.generations[0] == before and watcher.generations[-1] == before + 3
    assert not watcher.failures, watcher.failures[:5]
    assert check(live.data_dir)["articles"] == len(SUBSET) + 2

    live.stop()
    live.start()
    assert readiness_generation(live.url) == before + 3
    assert live.top_article("marmoset-ledger upsert") == "late-note"
    assert live.top_article("tapir-queue note") == "queued-note"


@pytest.mark.parametrize("point", ["embedding", "writing-vectors", "committing"])
def test_a_rebuild_killed_midway_leaves_the_previous_index_serving(live: Live, point: str) -> None:
    before = readiness_generation(live.url)
    articles = check(live.data_dir)["articles"]
    rebuild = rebuild_paused_at(live, point)
    rebuild.wait_paused(point)
    rebuild.kill()

    assert readiness_generation(live.url) == before
    assert live.top_article("celery retries backoff") is not None
    checked = check(live.data_dir)
    assert (checked["generation"], checked["articles"]) == (before, articles)

    again = subprocess.run(
        [*CLI, "index", str(live.source), "--rebuild", "--json", "--data-dir", str(live.data_dir)],
        capture_output=True, text=True, env=environment(), cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert report_of(again.stdout)["generation"] == before + 1
    assert check(live.data_dir)["articles"] == articles
    debris = [p for p in (live.data_dir / "snapshots").iterdir() if p.name.startswith(".tmp")]
    assert not debris
