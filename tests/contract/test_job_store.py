"""One contract for every JobStore: the SQLite store of the embedded mode and the Redis one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from indexer.adapters.redis_jobs import RedisJobStore
from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.jobs.records import Job
from indexer.ports import JobStore


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    if request.param == "sqlite":
        yield SqliteJobStore(tmp_path / "jobs.sqlite")
    else:
        url = request.getfixturevalue("redis_url")
        yield RedisJobStore(redis.Redis.from_url(url), prefix=f"test-{tmp_path.name}")


def test_a_created_job_reads_back_with_its_fields(store: JobStore) -> None:
    job, created = store.create(Job(id="j1", kind="ask", params={"question": "why?"}))
    assert created
    again = store.get("j1")
    assert again is not None and again.params == {"question": "why?"} and again.state == "queued"
    assert store.get("missing") is None


def test_the_same_idempotency_key_returns_the_first_job(store: JobStore) -> None:
    first, created = store.create(Job(id="a", kind="ask", idempotency_key="ask:k1"))
    second, created_again = store.create(Job(id="b", kind="ask", idempotency_key="ask:k1"))
    assert created and not created_again
    assert second.id == "a"
    assert store.get("b") is None


def test_updates_change_only_the_named_fields(store: JobStore) -> None:
    store.create(Job(id="u", kind="reindex"))
    store.update("u", state="running", done=3, total=10)
    store.update("u", done=4)
    job = store.get("u")
    assert job is not None and (job.state, job.done, job.total) == ("running", 4, 10)


def test_events_come_back_in_order_and_resume_after_an_id(store: JobStore) -> None:
    store.create(Job(id="e", kind="ask"))
    ids = [store.add_event("e", "token", {"text": t}) for t in ["a", "b", "c"]]
    assert [e.data["text"] for e in store.events("e")] == ["a", "b", "c"]
    assert [e.data["text"] for e in store.events("e", after=ids[0])] == ["b", "c"]
    assert store.events("e", after=ids[-1]) == []


def test_recent_lists_the_newest_jobs_first_up_to_the_limit(store: JobStore) -> None:
    for number in range(5):
        store.create(Job(id=f"r{number}", kind="reindex", created_at=1000.0 + number))
    store.update("r4", state="running")
    recent = store.recent(3)
    assert [job.id for job in recent] == ["r4", "r3", "r2"]
    assert recent[0].state == "running"


def test_a_job_is_found_by_its_idempotency_key_until_none_holds_it(store: JobStore) -> None:
    store.create(Job(id="k", kind="ask", idempotency_key="scope:k1", request_hash="h"))
    found = store.job_for_key("scope:k1")
    assert found is not None and (found.id, found.request_hash) == ("k", "h")
    assert store.job_for_key("scope:other") is None


def test_queued_jobs_are_counted_per_kind_as_their_states_change(store: JobStore) -> None:
    for name in ("q1", "q2", "q3"):
        store.create(Job(id=name, kind="ask", created_at=1000.0))
    store.create(Job(id="r1", kind="reindex", created_at=1000.0))
    assert store.count_queued("ask", since=0) == 3
    assert store.count_queued("reindex", since=0) == 1
    store.update("q1", state="running")
    store.update("q2", state="expired")
    assert store.count_queued("ask", since=0) == 1
    store.update("q1", state="queued", error="retrying: LLM unavailable")
    assert store.count_queued("ask", since=0) == 2
    store.update("q1", done=1)  # no state named: the count is untouched
    assert store.count_queued("ask", since=0) == 2


def test_queued_jobs_created_before_since_are_not_counted(store: JobStore) -> None:
    store.create(Job(id="old", kind="ask", created_at=1000.0))
    store.create(Job(id="new", kind="ask", created_at=2000.0))
    assert store.count_queued("ask", since=1500.0) == 1
    assert store.count_queued("ask", since=2000.0) == 1
    assert store.count_queued("ask", since=2000.5) == 0


@pytest.mark.parametrize(
    "after",
    ["99999999999999999999", "²", "١٢", "-1", "abc", "1-2-3", " 1", "18446744073709551616-0"],
)
def test_an_event_id_this_store_never_issued_reads_from_the_start(
    store: JobStore, after: str
) -> None:
    store.create(Job(id="ev", kind="ask"))
    for text in ["a", "b"]:
        store.add_event("ev", "token", {"text": text})
    assert [e.data["text"] for e in store.events("ev", after=after)] == ["a", "b"]
