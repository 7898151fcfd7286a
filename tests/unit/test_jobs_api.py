"""Jobs over HTTP with a recording queue: submission, idempotency, auth, status, cancel, SSE."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.jobs.job_service import JobService
from search_api.app import create_app
from tests.fakes import RecordingJobQueue

TOKEN = "s3cret-editor-token"


@pytest.fixture
def queue() -> RecordingJobQueue:
    return RecordingJobQueue()


@pytest.fixture
def jobs(tmp_path: Path, queue: RecordingJobQueue) -> JobService:
    return JobService(SqliteJobStore(tmp_path / "jobs.sqlite"), queue)


@pytest.fixture
def client(fake_services: Services, jobs: JobService, settings: Settings) -> Iterator[TestClient]:
    fake_services.settings = settings.model_copy(update={"editor_token": SecretStr(TOKEN)})
    with TestClient(create_app(fake_services, jobs=jobs)) as test_client:
        yield test_client


def editor(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_ask_returns_202_with_a_status_url_and_enqueues_one_job(
    client: TestClient, queue: RecordingJobQueue
) -> None:
    response = client.post("/ask", json={"question": "  How do retries   work? "})
    assert response.status_code == 202
    body = response.json()
    assert response.headers["Location"] == body["status_url"] == f"/jobs/{body['job_id']}"
    assert len(queue.sent) == 1
    job = client.get(body["status_url"]).json()
    assert job["state"] == "queued" and job["kind"] == "ask"
    assert job["request_id"] == response.headers["X-Request-ID"]


def test_the_same_idempotency_key_returns_the_same_job(
    client: TestClient, queue: RecordingJobQueue
) -> None:
    headers = {"Idempotency-Key": "abc-123"}
    first = client.post("/ask", json={"question": "q"}, headers=headers).json()
    second = client.post("/ask", json={"question": "q"}, headers=headers)
    assert second.status_code == 202 and second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["job_id"] == first["job_id"]
    assert len(queue.sent) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"question": ""},
        {"question": "   "},
        {"question": "x" * 501},
        {"question": "q", "k": 0},
        {"question": "q", "filters": {"since": "yesterday"}},
        {"question": "q", "unknown": 1},
        {},
    ],
)
def test_bad_questions_get_422(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/ask", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_editor_endpoints_need_the_token(client: TestClient, queue: RecordingJobQueue) -> None:
    missing = client.post("/admin/reindex")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert client.post("/admin/reindex", headers=editor("wrong")).status_code == 403
    accepted = client.post("/admin/reindex", headers=editor())
    assert accepted.status_code == 202 and accepted.json()["status_url"].startswith("/jobs/")
    assert [job.kind for job in queue.sent] == ["reindex"]  # type: ignore[attr-defined]


def test_editor_endpoints_are_disabled_without_a_configured_token(
    fake_services: Services, jobs: JobService
) -> None:
    with TestClient(create_app(fake_services, jobs=jobs)) as client:
        response = client.post("/admin/reindex", headers=editor())
    assert response.status_code == 403
    assert "FOOTNOTE_EDITOR_TOKEN" in response.json()["detail"]


def test_upserting_a_bad_article_is_refused_at_once(client: TestClient) -> None:
    response = client.put("/admin/articles/x", json={"body": "no title"}, headers=editor())
    assert response.status_code == 422 and "title" in response.json()["detail"]
    good = client.put(
        "/admin/articles/x", json={"title": "T", "body": "## A\n\ntext"}, headers=editor()
    )
    assert good.status_code == 202


def test_deleting_an_unknown_article_is_a_404(client: TestClient) -> None:
    assert client.delete("/admin/articles/nope", headers=editor()).status_code == 404


def test_a_cancelled_job_reports_cancelled_and_stops_its_worker(
    client: TestClient, jobs: JobService
) -> None:
    job_id = client.post("/ask", json={"question": "q"}).json()["job_id"]
    assert client.delete(f"/jobs/{job_id}").json()["state"] == "cancelled"
    assert jobs.start(job_id) is None
    assert client.get("/jobs/nope").status_code == 404


def test_events_stream_as_sse_and_resume_after_last_event_id(
    client: TestClient, jobs: JobService
) -> None:
    job_id = client.post("/ask", json={"question": "q"}).json()["job_id"]
    jobs.start(job_id)
    for word in ["Use ", "acks_late", " [1]."]:
        jobs.token(job_id, word)
    jobs.succeed(job_id, {"answer": "Use acks_late [1]."})
    stream = client.get(f"/jobs/{job_id}/events").text
    ids = [line[4:] for line in stream.splitlines() if line.startswith("id: ")]
    assert "event: token" in stream and stream.rstrip().splitlines()[-1].startswith("data: ")
    assert '"state": "succeeded"' in stream and "event: result" in stream
    resumed = client.get(f"/jobs/{job_id}/events", headers={"Last-Event-ID": ids[2]}).text
    resumed_ids = [line[4:] for line in resumed.splitlines() if line.startswith("id: ")]
    assert resumed_ids == ids[3:]
