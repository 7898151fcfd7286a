"""Probe step 10: the snapshot directory deleted under a running server.

`/readyz` stayed `ok` although the snapshot it served was gone from disk (searches go on from
memory until the process restarts, and no restart could load it again); the next writer failed
with FAISS's own message about a file it could not open.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.hygiene.conftest import EDITOR, Server, footnote, sample_subset, serving

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("lost")
    articles = sample_subset(root / "articles")
    assert footnote(root / "data", "index", str(articles)).returncode == 0
    with serving(root) as running:
        yield running


def test_readiness_reports_a_snapshot_deleted_under_it_and_writers_refuse_clearly(
    server: Server,
) -> None:
    assert server.get("/readyz").json()["status"] == "ok"
    snapshots = server.data_dir / "snapshots"
    shutil.rmtree(snapshots)

    ready = server.get("/readyz")
    assert ready.status_code == 200  # it still answers, from memory
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["unreadable"]["generation"] == body["generation"]
    assert "can no longer be read" in body["error"]
    assert str(server.data_dir) not in ready.text
    assert server.get("/search", q="celery retries").status_code == 200

    articles = Path(server.data_dir.parent / "articles")
    (articles / "new.md").write_text("---\ntitle: New\n---\nA new article about queues.\n")
    indexed = footnote(server.data_dir, "index", str(articles))
    assert indexed.returncode == 2, indexed.stderr
    message = indexed.stderr.strip()
    assert "can no longer be read" in message and "--rebuild" in message
    assert "Traceback" not in indexed.stderr and "faiss" not in message.lower()

    upsert = httpx.put(
        f"{server.url}/admin/articles/new",
        json={"title": "New", "body": "A new article about queues."},
        headers=EDITOR,
        timeout=30,
    )
    assert upsert.status_code == 202, upsert.text
    job = server.wait_for(upsert.json()["job_id"])
    assert job["state"] == "failed"
    assert "can no longer be read" in job["error"]
    assert str(server.data_dir) not in job["error"] and "[data dir]" in job["error"]
