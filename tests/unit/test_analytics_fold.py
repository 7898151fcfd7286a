"""Redis mode of analytics on a real Redis: the stream the recorder appends to, the fold into
the search log (each event once, whatever crashed when), and the bounds on the stream."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import redis

from indexer.adapters.redis_event_stream import STREAM, RedisEventStream
from indexer.adapters.sqlite_analytics import SqliteSearchLog
from indexer.analytics.fold import EventFold
from indexer.analytics.recorder import NoRecorder, QueuedRecorder
from indexer.bootstrap import Services, build_fold
from indexer.config import Settings
from indexer.ports.analytics import OpenEvent, QueryEvent
from tasks.celery_app import FOLD_TASK, beat_schedule
from tests.builders import Client, sections, write_article
from tests.services import free_port

DAY = 24 * 3600.0


class Crash(Exception):
    """Stands for the worker process dying at that point."""


def search(text: str, at: float | None = None) -> QueryEvent:
    return QueryEvent(uuid.uuid4().hex, "search", text, "hybrid", 0, None, at or time.time())


@pytest.fixture
def client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


@pytest.fixture
def key(client: redis.Redis) -> Iterator[str]:
    """A stream of the test's own, deleted afterwards."""
    name = f"footnote:test-analytics:{uuid.uuid4().hex}"
    yield name
    client.delete(name)


def stream(
    client: redis.Redis, key: str, max_len: int = 100_000, idle_ms: int = 0
) -> RedisEventStream:
    return RedisEventStream(client, max_len, stream=key, claim_idle_ms=idle_ms)


def log(tmp_path: Path) -> SqliteSearchLog:
    return SqliteSearchLog(tmp_path / "analytics.sqlite")


def test_events_recorded_in_redis_mode_reach_the_log_once_folded(
    client: redis.Redis, key: str, tmp_path: Path
) -> None:
    recorder = QueuedRecorder(stream(client, key), retention_days=90)
    recorder.record(search("solar panels"))
    recorder.record(OpenEvent("q1", "solar-article", time.time()))
    recorder.flush()
    recorder.close()
    assert client.xlen(key) == 2
    store = log(tmp_path)
    assert store.queries(0) == []  # the API process writes no SQLite in Redis mode
    report = EventFold(stream(client, key), store, 90).fold("worker-1")
    assert (report.folded, report.unreadable) == (2, 0)
    assert [q.text for q in store.queries(0)] == ["solar panels"]
    assert [o.article_id for o in store.opens(0)] == ["solar-article"]
    assert EventFold(stream(client, key), store, 90).fold("worker-1").folded == 0


def test_an_event_added_twice_is_kept_once(client: redis.Redis, key: str, tmp_path: Path) -> None:
    event = search("duplicated")
    opened = OpenEvent("q", "a", time.time())
    stream(client, key).add([event, event], [opened])
    stream(client, key).add([event], [opened])
    store = log(tmp_path)
    assert EventFold(stream(client, key), store, 90).fold("w").folded == 5
    assert [q.event_id for q in store.queries(0)] == [event.event_id]
    assert [o.event_id for o in store.opens(0)] == [opened.event_id]


def test_a_fold_that_dies_before_acknowledging_is_redone_without_counting_twice(
    client: redis.Redis, key: str, tmp_path: Path
) -> None:
    class DiesBeforeAck(RedisEventStream):
        def ack(self, entry_ids: Sequence[str]) -> None:
            raise Crash

    events = [search(f"query {i}") for i in range(7)]
    stream(client, key).add(events, [])
    store = log(tmp_path)
    dying = DiesBeforeAck(client, 100_000, stream=key, claim_idle_ms=0)
    with pytest.raises(Crash):
        EventFold(dying, store, 90, batch=3).fold("dead-worker")
    assert len(store.queries(0)) == 3  # the first batch was written, never acknowledged
    assert client.xpending(key, "fold")["pending"] == 3
    # Another worker reclaims the dead one's batch, writes it again, then goes on.
    report = EventFold(stream(client, key), store, 90, batch=3).fold("live-worker")
    assert report.folded == 7
    assert sorted(q.text for q in store.queries(0)) == sorted(e.text for e in events)
    assert client.xpending(key, "fold")["pending"] == 0


def test_pending_entries_of_a_live_fold_are_left_to_it(
    client: redis.Redis, key: str, tmp_path: Path
) -> None:
    stream(client, key).add([search("being folded")], [])
    slow = stream(client, key, idle_ms=60_000)
    assert len(slow.read("busy-worker", 10)) == 1  # read, not yet acknowledged
    assert EventFold(slow, log(tmp_path), 90).fold("other-worker").folded == 0


def test_a_fold_that_dies_before_writing_loses_nothing(
    client: redis.Redis, key: str, tmp_path: Path
) -> None:
    class FullDisk(SqliteSearchLog):
        def add(self, queries: Sequence[QueryEvent], opens: Sequence[OpenEvent]) -> None:
            raise Crash

    stream(client, key).add([search("kept for later")], [])
    with pytest.raises(Crash):
        EventFold(stream(client, key), FullDisk(tmp_path / "a.sqlite"), 90).fold("w1")
    store = log(tmp_path)
    assert EventFold(stream(client, key), store, 90).fold("w2").folded == 1
    assert [q.text for q in store.queries(0)] == ["kept for later"]


def test_an_unreadable_entry_is_dropped_and_counted(
    client: redis.Redis, key: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client.xadd(key, {"e": "not json"})
    stream(client, key).add([search("fine")], [])
    with caplog.at_level(logging.WARNING):
        report = EventFold(stream(client, key), log(tmp_path), 90).fold("w")
    assert (report.folded, report.unreadable) == (1, 1)
    assert "unreadable" in caplog.text
    assert client.xpending(key, "fold")["pending"] == 0


def test_the_fold_applies_retention_to_the_log(
    client: redis.Redis, key: str, tmp_path: Path
) -> None:
    store = log(tmp_path)
    store.add([search("long ago", at=time.time() - 91 * DAY)], [])
    stream(client, key).add([search("today")], [])
    report = EventFold(stream(client, key), store, 90).fold("w")
    assert report.purged == 1
    assert [q.text for q in store.queries(0)] == ["today"]


def test_the_stream_stays_bounded_while_nobody_folds(client: redis.Redis, key: str) -> None:
    bounded = stream(client, key, max_len=1000)
    for _ in range(10):
        bounded.add([search("q") for _ in range(500)], [])
    # Trimming is approximate (whole nodes of about 100 entries): near the bound, not 5000.
    assert 1000 <= client.xlen(key) < 1500


def test_a_recorder_whose_redis_is_down_drops_counts_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    recorder = QueuedRecorder(RedisEventStream(down, 1000), retention_days=90)
    with caplog.at_level(logging.WARNING, logger="indexer.analytics.recorder"):
        for i in range(3):
            started = time.perf_counter()
            recorder.record(search(f"query {i}"))
            assert time.perf_counter() - started < 0.1
            recorder.flush()
    recorder.close()
    assert recorder.dropped == 3
    dropped_lines = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped_lines) == 1


def test_only_redis_mode_with_analytics_on_schedules_the_fold(tmp_path: Path) -> None:
    def tasks(**update: object) -> set[str]:
        settings = Settings(data_dir=tmp_path, _env_file=None).model_copy(update=update)  # type: ignore[call-arg]
        return {entry["task"] for entry in beat_schedule(settings).values()}

    assert FOLD_TASK in tasks(redis_url="redis://127.0.0.1:6379/3")
    assert FOLD_TASK not in tasks(redis_url="redis://127.0.0.1:6379/3", analytics=False)
    assert FOLD_TASK not in tasks()  # SQLite mode: the API writes the log itself


def test_in_redis_mode_searches_go_to_the_stream_and_with_analytics_off_nothing_does(
    make_client: Client,
    fake_services: Services,
    client: redis.Redis,
    redis_url: str,
    tmp_path: Path,
) -> None:
    write_article(tmp_path / "articles", "redis-caching", sections("Expiry"))
    fake_services.indexing.sync_source(tmp_path / "articles")
    client.delete(STREAM)
    off = make_client(redis_url=redis_url, analytics=False)
    assert off.get("/search", params={"q": "expiry"}).status_code == 200
    assert isinstance(off.app.state.recorder, NoRecorder)  # type: ignore[attr-defined]
    assert build_fold(fake_services.settings) is None
    assert not client.exists(STREAM)

    on = make_client(redis_url=redis_url)
    assert on.get("/search", params={"q": "expiry"}).status_code == 200
    on.app.state.recorder.flush()  # type: ignore[attr-defined]
    assert client.xlen(STREAM) == 1
    fold = build_fold(fake_services.settings)
    assert fold is not None and fold.fold().folded == 1
    stored = SqliteSearchLog(fake_services.settings.data_dir / "analytics.sqlite")
    assert [q.text for q in stored.queries(0)] == ["expiry"]
    client.delete(STREAM)
