"""A truncated or corrupted snapshot file: refused, the previous snapshot served, reported.

`/readyz` stays 200 with `"status": "degraded"` and `refused` naming the file and the error
(the process still answers from the previous snapshot; a 503 would pull every replica sharing
the damaged volume out of service at once), and the server logs the refusal.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.errors import IndexNotReady
from indexer.model import Article
from tests.builders import faiss_services
from tests.faults.stack import EDITOR, Stack

pytestmark = pytest.mark.integration


def publish(stack: Stack, article_id: str, phrase: str) -> int:
    """Upsert through the worker, touching nothing that would make the API load the result.
    Returns the generation committed."""
    article = {"title": f"Notes {article_id}", "body": f"## Notes\n\n{phrase}", "tags": ["ops"]}
    response = httpx.put(
        f"{stack.url}/admin/articles/{article_id}", json=article, headers=EDITOR, timeout=10
    )
    assert response.status_code == 202, response.text
    job = stack.wait_for(response.json()["job_id"])
    assert job["state"] == "succeeded", (job, stack.logs())
    return int(job["result"]["generation"])


def test_a_truncated_snapshot_is_refused_and_the_previous_one_kept_serving(stack: Stack) -> None:
    serving = stack.get("/search", q="celery retries").json()["snapshot"]
    generation = publish(stack, "quokka-notes", "The quokka-ledger trick keeps caches warm.")
    assert generation == serving + 1
    vectors = stack.data_dir / "snapshots" / f"{generation:08d}" / "vectors.faiss"
    original = vectors.read_bytes()
    vectors.write_bytes(original[: len(original) // 2])
    try:
        found = stack.get("/search", q="quokka-ledger trick", mode="bm25")
        assert found.status_code == 200
        assert found.json()["snapshot"] == serving
        assert all(r["article_id"] != "quokka-notes" for r in found.json()["results"])

        ready = stack.get("/readyz")
        assert ready.status_code == 200
        body = ready.json()
        assert body["status"] == "degraded" and body["generation"] == serving
        assert body["refused"]["generation"] == generation
        # Named under the data directory, whose own path stays in the log (issue 16, step 9).
        shown = vectors.relative_to(stack.data_dir)
        assert body["refused"]["file"] == f"[data dir]/{shown}"
        assert str(stack.data_dir) not in ready.text
        assert "checksum" in body["refused"]["error"]
        metrics = stack.get("/metrics").text
        assert "footnote_snapshot_refused 1.0" in metrics
        log = stack.server_log.read_text()
        assert f"refusing snapshot {generation}" in log and "vectors.faiss" in log
    finally:
        vectors.write_bytes(original)

    # The next good snapshot is taken up, and the report clears.
    newer = publish(stack, "wombat-notes", "The wombat-burrow pattern.")
    found = stack.get("/search", q="quokka-ledger trick", mode="bm25").json()
    assert found["snapshot"] == newer
    assert found["results"][0]["article_id"] == "quokka-notes"
    ready = stack.get("/readyz").json()
    assert ready["status"] == "ok" and ready["refused"] is None


def fake_build(data_dir: Path) -> Services:
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    return faiss_services(settings)


def article(article_id: str, words: str) -> Article:
    return Article(id=article_id, title=article_id, text=f"## Part\n\n{words}", source_path="api")


def test_a_process_starting_on_a_corrupt_newest_snapshot_serves_the_newest_good_one(
    tmp_path: Path,
) -> None:
    """In process with real FAISS, BM25 and SQLite (fake model ports): a new reader is what a
    freshly started API process has."""
    writer = fake_build(tmp_path)
    writer.indexing.index_article(article("a", "alpha words"))
    writer.indexing.index_article(article("b", "omega words"))
    writer.indexing.index_article(article("c", "gamma words"))
    postings = tmp_path / "snapshots" / "00000003" / "lexical" / "data.csc.index.npy"
    damaged = bytearray(postings.read_bytes())
    damaged[-8:] = bytes(8)  # same size, different bytes
    postings.write_bytes(bytes(damaged))

    starting = fake_build(tmp_path)
    result = starting.search.search("omega", mode="bm25")
    assert result.generation == 2
    assert [hit.article_id for hit in result.hits] == ["b"]
    status = starting.reader.status()
    assert status["status"] == "degraded"
    assert status["refused"] == {
        "generation": 3,
        "file": str(postings),
        "error": starting.reader.last_error,
    }

    for generation in (1, 2):
        (tmp_path / "snapshots" / f"{generation:08d}" / "vectors.faiss").write_bytes(b"junk")
    with pytest.raises(IndexNotReady, match="checksum"):
        fake_build(tmp_path).search.search("omega", mode="bm25")
