"""The job service's queue bounds, expiry and idempotency keys, over the SQLite job store."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.errors import IdempotencyKeyReused, QueueFull
from indexer.jobs.job_service import JobService, QueueLimit
from tests.fakes import RecordingJobQueue

ARTICLE = {"id": "a1", "title": "T", "body": "## A\n\ntext"}


@pytest.fixture
def store(tmp_path: Path) -> SqliteJobStore:
    return SqliteJobStore(tmp_path / "jobs.sqlite")


@pytest.fixture
def jobs(store: SqliteJobStore) -> JobService:
    return JobService(store, RecordingJobQueue(), limits={"ask": QueueLimit(3, expire_after_s=60)})


def backdate(store: SqliteJobStore, job_id: str, seconds: float) -> None:
    """As if the job had been queued `seconds` ago (naming the state re-files it, as a
    retried job is re-filed, under its new creation time)."""
    store.update(job_id, state="queued", created_at=time.time() - seconds)


def ask(jobs: JobService, question: str = "why?", **kwargs: str) -> str:
    return jobs.submit("ask", {"question": question}, **kwargs)[0].id


def test_a_question_past_the_queue_limit_is_refused_with_the_count(jobs: JobService) -> None:
    for n in range(3):
        ask(jobs, f"question {n}")
    with pytest.raises(QueueFull, match=r"3, the limit is 3"):
        ask(jobs, "one too many")


def test_questions_leaving_the_queue_make_room(jobs: JobService) -> None:
    first = [ask(jobs, f"question {n}") for n in range(3)]
    jobs.start(first[0])
    assert ask(jobs, "now there is room")


def test_editors_jobs_are_never_refused_by_a_full_queue(jobs: JobService) -> None:
    for n in range(3):
        ask(jobs, f"question {n}")
    for _ in range(5):
        assert jobs.submit("upsert", {"article": ARTICLE})[1]
        assert jobs.submit("reindex", {})[1]


def test_a_limit_on_an_editors_kind_is_refused_at_construction(store: SqliteJobStore) -> None:
    with pytest.raises(ValueError, match="never refused"):
        JobService(store, RecordingJobQueue(), limits={"upsert": QueueLimit(1, 1)})


def test_a_question_that_waited_too_long_expires_instead_of_running(
    jobs: JobService, store: SqliteJobStore
) -> None:
    job_id = ask(jobs)
    backdate(store, job_id, 61)
    assert jobs.start(job_id) is None
    job = jobs.get(job_id)
    assert job.state == "expired" and job.attempts == 0 and job.started_at is None
    assert job.error is not None and "ask again" in job.error
    assert jobs.events(job_id)[-1].data["state"] == "expired"


def test_polling_a_question_that_waited_too_long_reports_it_expired(
    jobs: JobService, store: SqliteJobStore
) -> None:
    job_id = ask(jobs)
    backdate(store, job_id, 61)
    assert jobs.get(job_id).state == "expired"
    assert jobs.start(job_id) is None  # the worker that reaches it later does nothing


def test_expired_questions_no_longer_count_against_the_limit(
    jobs: JobService, store: SqliteJobStore
) -> None:
    stale = [ask(jobs, f"question {n}") for n in range(3)]
    for job_id in stale:
        backdate(store, job_id, 61)
    assert ask(jobs, "a fresh question")  # their messages may be lost: they must not block


def test_an_editors_job_waits_as_long_as_it_takes(jobs: JobService, store: SqliteJobStore) -> None:
    job_id = jobs.submit("reindex", {})[0].id
    backdate(store, job_id, 86400)
    started = jobs.start(job_id)
    assert started is not None and started.state == "running"


def test_the_same_key_and_request_from_the_same_client_replays_the_job(jobs: JobService) -> None:
    first, created = jobs.submit("ask", {"question": "q"}, "k1", client="10.0.0.1")
    again, created_again = jobs.submit("ask", {"question": "q"}, "k1", client="10.0.0.1")
    assert created and not created_again and again.id == first.id


def test_the_same_key_with_another_body_is_refused(jobs: JobService) -> None:
    jobs.submit("ask", {"question": "first question"}, "k1", client="10.0.0.1")
    with pytest.raises(IdempotencyKeyReused, match="different request"):
        jobs.submit("ask", {"question": "second question"}, "k1", client="10.0.0.1")


def test_the_same_key_on_another_route_is_refused(jobs: JobService) -> None:
    jobs.submit("delete", {"article_id": "a1"}, "k1", client="editor:t")
    with pytest.raises(IdempotencyKeyReused):
        jobs.submit("upsert", {"article": ARTICLE}, "k1", client="editor:t")


def test_two_clients_sending_the_same_key_get_two_jobs(jobs: JobService) -> None:
    one, _ = jobs.submit("ask", {"question": "q"}, "shared", client="10.0.0.1")
    other, created = jobs.submit("ask", {"question": "q"}, "shared", client="10.0.0.2")
    assert created and other.id != one.id


def test_neither_the_client_nor_its_token_is_stored_with_the_job(jobs: JobService) -> None:
    job, _ = jobs.submit("reindex", {}, "k1", client="editor:s3cret-token")
    assert job.idempotency_key is not None and job.idempotency_key.endswith(":k1")
    assert "s3cret" not in str(job.as_dict())


def test_a_retried_request_gets_its_job_even_when_the_queue_is_full(jobs: JobService) -> None:
    mine, _ = jobs.submit("ask", {"question": "mine"}, "k1", client="10.0.0.1")
    for n in range(2):
        ask(jobs, f"question {n}")
    again, created = jobs.submit("ask", {"question": "mine"}, "k1", client="10.0.0.1")
    assert not created and again.id == mine.id
