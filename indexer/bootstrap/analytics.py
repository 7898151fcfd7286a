"""Wiring of analytics: the search log in the data directory, the recorder in front of it, and
in Redis mode the event stream between the two and the fold that empties it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.analytics.recorder import DirectRecorder, NoRecorder, QueuedRecorder, Recorder
from indexer.analytics.reports import Reports
from indexer.config import Settings
from indexer.ports import Embedder
from indexer.ports.analytics import EventSink, EventStream, SearchLog

if TYPE_CHECKING:
    from indexer.analytics.fold import EventFold


def search_log(settings: Settings) -> SearchLog:
    from indexer.adapters.sqlite_analytics import SqliteSearchLog

    return SqliteSearchLog(settings.data_dir / "analytics.sqlite")


def event_stream(settings: Settings) -> EventStream:
    """The Redis stream every API process appends to (Redis mode only)."""
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from indexer.adapters.redis_event_stream import RedisEventStream

    assert settings.redis_url, "the event stream is Redis mode's"
    # Short waits and no retries: while Redis is down the recorder's thread should fail fast,
    # drop and count, and not let its queue fill up behind a hung connection.
    client = Redis.from_url(
        settings.redis_url, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    return RedisEventStream(client, settings.analytics_stream_max_len)


def build_recorder(settings: Settings, *, background: bool = True) -> Recorder:
    """The API's recorder (a background writer: to the search log, or in Redis mode to the
    stream) or, with `background=False`, a worker's (which writes to the search log at once);
    nothing at all, and no connection to anything, when FOOTNOTE_ANALYTICS is false."""
    if not settings.analytics:
        return NoRecorder()
    if not background:
        return DirectRecorder(search_log(settings))
    sink: EventSink = event_stream(settings) if settings.redis_url else search_log(settings)
    return QueuedRecorder(sink, settings.analytics_retention_days)


def build_fold(settings: Settings) -> EventFold | None:
    """The fold of the stream into the search log; None unless analytics go through Redis."""
    if not settings.analytics_stream:
        return None
    from indexer.analytics.fold import EventFold

    return EventFold(
        event_stream(settings), search_log(settings), settings.analytics_retention_days
    )


def build_reports(settings: Settings, embedder: Embedder | None = None) -> Reports:
    """The editors' reports over the search log. The API passes its query embedder; a command
    passes none, and the model is loaded only if a report groups by meaning (gaps do)."""
    if embedder is None:
        from indexer.bootstrap.embedders import separate_embedders

        _, embedder = separate_embedders(settings)  # the query runtime, loaded on first use
    return Reports(search_log(settings), embedder)
