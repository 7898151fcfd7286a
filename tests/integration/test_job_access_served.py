"""The probe's job steps against a real `footnote serve` and worker (embedded mode): an
Idempotency-Key bound to its request and scoped to its client, editors' jobs behind the editor
token, and Last-Event-ID values that used to drop the event stream after its 200."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eval.bench.stack import Stack
from tests.integration.served_jobs import QUESTIONS, editor, served, wait_for

pytestmark = pytest.mark.integration
ARTICLE = {"title": "Quasar caching notes", "body": "## Warm-up\n\nThe xylophone-key trick."}


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, served_template: Path, onnx_dir: Path
) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("access")
    with served(served_template, root, onnx_dir, None) as stack:
        yield stack


@pytest.fixture
def client(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        yield client


def test_a_key_reused_with_another_question_is_refused_not_answered_with_the_first(
    client: httpx.Client,
) -> None:
    key = {"Idempotency-Key": "question-key"}
    first = client.post("/ask", json={"question": QUESTIONS[0]}, headers=key)
    assert first.status_code == 202
    again = client.post("/ask", json={"question": QUESTIONS[0]}, headers=key)
    assert again.json()["job_id"] == first.json()["job_id"] and again.json()["replayed"]
    other = client.post("/ask", json={"question": QUESTIONS[1]}, headers=key)
    assert other.status_code == 422, other.text
    assert "already used for a different request" in other.json()["detail"]


def test_a_key_reused_with_another_article_body_is_refused(
    stack: Stack, client: httpx.Client
) -> None:
    headers = {**editor(stack), "Idempotency-Key": "article-key"}
    first = client.put("/admin/articles/quasar-notes", json=ARTICLE, headers=headers)
    assert first.status_code == 202
    edited = {**ARTICLE, "body": "## Warm-up\n\nThe marimba-key trick."}
    refused = client.put("/admin/articles/quasar-notes", json=edited, headers=headers)
    assert refused.status_code == 422, refused.text
    assert wait_for(stack, first.json()["job_id"])["state"] == "succeeded"


def test_two_clients_sending_the_same_key_get_their_own_questions_answered(
    stack: Stack, client: httpx.Client
) -> None:
    # The server trusts X-Forwarded-For from loopback (FOOTNOTE_FORWARDED_ALLOW_IPS' default).
    jobs = []
    for n, address in enumerate(["203.0.113.7", "203.0.113.8"]):
        headers = {"Idempotency-Key": "everyone-picks-1", "X-Forwarded-For": address}
        accepted = client.post("/ask", json={"question": QUESTIONS[n]}, headers=headers)
        assert accepted.status_code == 202, accepted.text
        jobs.append(accepted.json()["job_id"])
    assert jobs[0] != jobs[1]
    answered = [wait_for(stack, job_id) for job_id in jobs]
    assert [job["state"] for job in answered] == ["succeeded", "succeeded"]
    assert answered[0]["result"]["answer"] != answered[1]["result"]["answer"]


def test_an_editors_job_cannot_be_read_followed_or_cancelled_without_the_token(
    stack: Stack, client: httpx.Client
) -> None:
    job_id = client.put(
        "/admin/articles/tokened-notes", json=ARTICLE, headers=editor(stack)
    ).json()["job_id"]
    wrong = {"Authorization": "Bearer not-the-token"}
    for method, path in [("GET", ""), ("GET", "/events"), ("DELETE", "")]:
        assert client.request(method, f"/jobs/{job_id}{path}").status_code == 401
        assert client.request(method, f"/jobs/{job_id}{path}", headers=wrong).status_code == 403
    job = wait_for(stack, job_id)
    assert job["state"] == "succeeded", job  # the refused DELETEs cancelled nothing
    events = client.get(f"/jobs/{job_id}/events", headers=editor(stack))
    assert events.status_code == 200 and "event: result" in events.text


def test_a_readers_question_stays_readable_by_its_id(client: httpx.Client, stack: Stack) -> None:
    job_id = client.post("/ask", json={"question": QUESTIONS[2]}).json()["job_id"]
    wait_for(stack, job_id)
    job = client.get(f"/jobs/{job_id}")
    assert job.status_code == 200 and job.json()["state"] == "succeeded"
    assert "event: result" in client.get(f"/jobs/{job_id}/events").text


# Header bytes reach the server as Latin-1: b"\xb2" is "²", a digit to str.isdigit only.
@pytest.mark.parametrize("last_event_id", [b"99999999999999999999", b"\xb2"])
def test_an_unusable_last_event_id_replays_the_events_instead_of_dropping_the_stream(
    stack: Stack, client: httpx.Client, last_event_id: bytes
) -> None:
    job_id = client.post("/ask", json={"question": QUESTIONS[0]}).json()["job_id"]
    wait_for(stack, job_id)
    response = client.get(
        f"/jobs/{job_id}/events",
        headers={b"Last-Event-ID": last_event_id},
    )
    assert response.status_code == 200
    assert "event: status" in response.text and "event: result" in response.text
    assert "Traceback" not in stack.logs[0].read_text(errors="replace")
