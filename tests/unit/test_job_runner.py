"""The job runner and its handlers, run as a worker runs them but in process: a real SQLite job
store, a recording queue, and services with fakes at the model and LLM ports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.errors import LLMRejected, LLMUnavailable
from indexer.jobs.job_runner import JobRunner
from indexer.jobs.job_service import JobService
from indexer.jobs.records import Job
from indexer.ports import LLM, ChatMessage, Completion
from tests.builders import ANSWER_QUESTION, answering, worker_over, write_answer_articles
from tests.fakes import DictAnswerCache, FakeEmbedder, RecordingJobQueue, RecordingLLM

ARTICLE = {"id": "solo", "title": "Solo", "body": "## One\n\nQuokka ledgers balance nightly."}


@pytest.fixture
def store(tmp_path: Path) -> SqliteJobStore:
    return SqliteJobStore(tmp_path / "jobs.sqlite")


@pytest.fixture
def jobs(store: SqliteJobStore) -> JobService:
    return JobService(store, RecordingJobQueue())


@pytest.fixture
def cache() -> DictAnswerCache:
    return DictAnswerCache()


Worker = Callable[[LLM | None], tuple[JobRunner, Services]]


@pytest.fixture
def worker(tmp_path: Path, jobs: JobService, cache: DictAnswerCache) -> Worker:
    """A runner over fake-model services indexed with the answer articles, and those services."""

    def make(llm: LLM | None = None) -> tuple[JobRunner, Services]:
        services = answering(tmp_path, write_answer_articles(tmp_path / "articles"), llm)
        return JobRunner(worker_over(services, jobs, cache)), services

    return make


def states(jobs: JobService, job_id: str) -> list[str]:
    return [e.data["state"] for e in jobs.events(job_id) if e.kind == "status"]


def test_a_job_runs_its_kinds_handler_and_records_the_result(
    worker: Worker, jobs: JobService
) -> None:
    runner, services = worker(None)
    job, _ = jobs.submit("upsert", {"article": ARTICLE})

    runner.run(job.id)

    done = jobs.get(job.id)
    assert done.state == "succeeded" and done.attempts == 1 and done.error is None
    assert done.result is not None
    assert (done.result["added"], done.result["generation"]) == (1, 2)
    assert states(jobs, job.id) == ["queued", "running", "succeeded"]
    hits = services.search.search("quokka ledgers", mode="bm25").hits
    assert [hit.article_id for hit in hits] == ["solo"]


class CancelledWhileAsked:
    """An LLM whose job a client cancels while the model is being asked."""

    model = "gpt-4o-mini"

    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs
        self.job_id = ""
        self.inner = RecordingLLM("A long answer streamed in many pieces [1].")

    def context_window(self) -> int | None:
        return self.inner.context_window()

    def complete(
        self,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> Completion:
        self.jobs.cancel(self.job_id)
        return self.inner.complete(messages, max_tokens, on_token)


def test_a_job_cancelled_while_it_runs_stops_and_stays_cancelled(
    worker: Worker, jobs: JobService, cache: DictAnswerCache
) -> None:
    llm = CancelledWhileAsked(jobs)
    runner, _ = worker(llm)
    job, _ = jobs.submit("ask", {"question": ANSWER_QUESTION})
    llm.job_id = job.id

    runner.run(job.id)

    stopped = jobs.get(job.id)
    assert stopped.state == "cancelled" and stopped.result is None
    assert len(llm.inner.calls) == 1
    assert not [e for e in jobs.events(job.id) if e.kind == "token"]
    assert cache.items == {}  # a cancelled answer is not kept for the next asker


def test_a_permanent_error_fails_the_job_with_its_reason(worker: Worker, jobs: JobService) -> None:
    runner, _ = worker(RecordingLLM(LLMRejected("the provider refused the API key")))
    missing, _ = jobs.submit("delete", {"article_id": "never-indexed"})
    refused, _ = jobs.submit("ask", {"question": ANSWER_QUESTION})

    runner.run(missing.id)
    runner.run(refused.id)

    assert jobs.get(missing.id).state == "failed"
    assert jobs.get(missing.id).error == "no article with id 'never-indexed' is indexed"
    assert jobs.get(refused.id).state == "failed"
    assert jobs.get(refused.id).error == "the provider refused the API key"
    assert states(jobs, refused.id)[-1] == "failed"


def test_a_transient_error_propagates_so_the_task_retries_and_the_retry_succeeds(
    worker: Worker, jobs: JobService
) -> None:
    llm = RecordingLLM(LLMUnavailable("HTTP 503"), "Acknowledged after the task finishes [1].")
    runner, _ = worker(llm)
    job, _ = jobs.submit("ask", {"question": ANSWER_QUESTION})

    with pytest.raises(LLMUnavailable, match="503"):
        runner.run(job.id)
    assert jobs.get(job.id).state == "running"  # not failed: the task layer retries it

    runner.run(job.id)  # the retry, delivered again
    retried = jobs.get(job.id)
    assert retried.state == "succeeded" and retried.attempts == 2
    assert retried.result is not None and retried.result["kind"] == "llm"


def test_a_job_delivered_again_after_it_finished_is_not_run_again(
    worker: Worker, jobs: JobService
) -> None:
    runner, services = worker(RecordingLLM())
    upsert, _ = jobs.submit("upsert", {"article": ARTICLE})
    failed, _ = jobs.submit("delete", {"article_id": "never-indexed"})
    cancelled, _ = jobs.submit("ask", {"question": ANSWER_QUESTION})
    runner.run(upsert.id)
    runner.run(failed.id)
    jobs.cancel(cancelled.id)
    assert isinstance(services.embedder, FakeEmbedder)
    embedded = services.embedder.embedded
    before = {j: (jobs.get(j), len(jobs.events(j))) for j in (upsert.id, failed.id, cancelled.id)}

    for job_id in before:
        runner.run(job_id)  # a redelivered message

    assert {j: (jobs.get(j), len(jobs.events(j))) for j in before} == before
    assert services.embedder.embedded == embedded
    assert jobs.get(cancelled.id).attempts == 0


def test_an_ask_job_answers_from_the_cache_the_second_time(
    worker: Worker, jobs: JobService, cache: DictAnswerCache
) -> None:
    llm = RecordingLLM("Acknowledged after the task finishes [1].")
    runner, _ = worker(llm)
    first, _ = jobs.submit("ask", {"question": ANSWER_QUESTION})
    second, _ = jobs.submit("ask", {"question": ANSWER_QUESTION})

    runner.run(first.id)
    runner.run(second.id)

    fresh, cached = jobs.get(first.id).result, jobs.get(second.id).result
    assert fresh is not None and cached is not None
    assert fresh["cached"] is False and cached["cached"] is True
    assert cached["answer"] == fresh["answer"] and cached["citations"] == fresh["citations"]
    assert len(llm.calls) == 1 and len(cache.items) == 1


@pytest.mark.parametrize(
    ("kind", "params", "reason"),
    [
        ("ask", {"question": "why?", "colour": "red"}, "invalid ask job: colour: Extra inputs"),
        ("delete", {}, "invalid delete job: article_id: Field required"),
        ("upsert", {"article": {"title": "No id", "body": "Text."}}, "missing id: give 'id'"),
        ("compact", {}, "unknown kind of job 'compact'"),
    ],
)
def test_a_job_whose_payload_is_invalid_fails_saying_what_is_wrong(
    worker: Worker,
    jobs: JobService,
    store: SqliteJobStore,
    kind: str,
    params: dict[str, object],
    reason: str,
) -> None:
    runner, _ = worker(None)
    # Stored as an older API or another client might have left it: never through submit.
    store.create(Job(id="bad", kind=kind, params=dict(params)))

    runner.run("bad")

    job = jobs.get("bad")
    assert job.state == "failed" and reason in (job.error or ""), job.error
