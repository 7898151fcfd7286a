"""Jobs over HTTP in process: the queue bound, idempotency keys bound to request and client,
editors' jobs behind the token, and unusable Last-Event-IDs. The same cases run against a
real server in tests/integration/test_job_limits_served.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.jobs.job_service import JobService, QueueLimit
from search_api.app import create_app
from tests.fakes import RecordingJobQueue

TOKEN = "s3cret-editor-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = {"title": "T", "body": "## A\n\ntext"}


@pytest.fixture
def jobs(tmp_path: Path) -> JobService:
    store = SqliteJobStore(tmp_path / "jobs.sqlite")
    return JobService(store, RecordingJobQueue(), limits={"ask": QueueLimit(2, expire_after_s=60)})


@pytest.fixture
def app(fake_services: Services, jobs: JobService, settings: Settings) -> FastAPI:
    fake_services.settings = settings.model_copy(update={"editor_token": SecretStr(TOKEN)})
    return create_app(fake_services, jobs=jobs)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def test_a_question_past_the_queue_limit_gets_503_with_retry_after(client: TestClient) -> None:
    for n in range(2):
        assert client.post("/ask", json={"question": f"q{n}"}).status_code == 202
    refused = client.post("/ask", json={"question": "one too many"})
    assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()
    assert refused.json()["error"] == "queue_full"
    assert "try again" in refused.json()["detail"]
    upsert = client.put("/admin/articles/a1", json=ARTICLE, headers=EDITOR)
    assert upsert.status_code == 202


def test_an_idempotency_key_reused_with_another_question_is_a_422(client: TestClient) -> None:
    key = {"Idempotency-Key": "k-1"}
    assert client.post("/ask", json={"question": "first"}, headers=key).status_code == 202
    reused = client.post("/ask", json={"question": "second"}, headers=key)
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"
    assert "different request" in reused.json()["detail"]


def test_an_idempotency_key_reused_with_another_article_is_a_422(client: TestClient) -> None:
    key = {**EDITOR, "Idempotency-Key": "k-2"}
    assert client.put("/admin/articles/a1", json=ARTICLE, headers=key).status_code == 202
    edited = {**ARTICLE, "body": "## A\n\nedited text"}
    assert client.put("/admin/articles/a1", json=edited, headers=key).status_code == 422


def test_two_readers_sending_the_same_key_get_their_own_jobs(app: FastAPI) -> None:
    key = {"Idempotency-Key": "everyone-picks-this"}
    answers = []
    for address in ("203.0.113.1", "203.0.113.2"):
        with TestClient(app, client=(address, 40000)) as reader:
            answers.append(reader.post("/ask", json={"question": "q"}, headers=key).json())
    assert answers[0]["job_id"] != answers[1]["job_id"]
    assert not answers[1]["replayed"]


@pytest.mark.parametrize("path", ["", "/events"])
def test_reading_an_editors_job_needs_the_token(client: TestClient, path: str) -> None:
    job_id = client.put("/admin/articles/a1", json=ARTICLE, headers=EDITOR).json()["job_id"]
    missing = client.get(f"/jobs/{job_id}{path}")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.get(f"/jobs/{job_id}{path}", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403


def test_cancelling_an_editors_job_needs_the_token(client: TestClient) -> None:
    job_id = client.post("/admin/reindex", headers=EDITOR).json()["job_id"]
    assert client.delete(f"/jobs/{job_id}").status_code == 401
    assert client.get(f"/jobs/{job_id}", headers=EDITOR).json()["state"] == "queued"
    cancelled = client.delete(f"/jobs/{job_id}", headers=EDITOR)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"


def test_a_readers_question_stays_readable_and_cancellable_by_its_id(client: TestClient) -> None:
    job_id = client.post("/ask", json={"question": "q"}).json()["job_id"]
    assert client.get(f"/jobs/{job_id}").status_code == 200
    assert client.delete(f"/jobs/{job_id}").json()["state"] == "cancelled"


# Header bytes reach the app decoded as Latin-1: b"\xb2" is "²", which str.isdigit accepts
# and int refuses; the long one overflows SQLite's integers.
@pytest.mark.parametrize("last_event_id", [b"99999999999999999999", "²".encode("latin-1")])
def test_an_unusable_last_event_id_replays_the_stream_from_the_start(
    client: TestClient, jobs: JobService, last_event_id: bytes
) -> None:
    job_id = client.post("/ask", json={"question": "q"}).json()["job_id"]
    jobs.token(job_id, "Use acks_late.")
    jobs.succeed(job_id, {"answer": "Use acks_late."})
    stream = client.get(f"/jobs/{job_id}/events", headers={b"Last-Event-ID": last_event_id})
    assert stream.status_code == 200
    assert "event: token" in stream.text and "event: result" in stream.text
