"""Wiring of analytics: the search log in the data directory and the recorder in front of it."""

from __future__ import annotations

from indexer.analytics.recorder import DirectRecorder, NoRecorder, QueuedRecorder, Recorder
from indexer.analytics.reports import Reports
from indexer.config import Settings
from indexer.ports import Embedder
from indexer.ports.analytics import SearchLog


def search_log(settings: Settings) -> SearchLog:
    from indexer.adapters.sqlite_analytics import SqliteSearchLog

    return SqliteSearchLog(settings.data_dir / "analytics.sqlite")


def build_recorder(settings: Settings, *, background: bool = True) -> Recorder:
    """The API's recorder (a background writer) or, with `background=False`, a worker's (which
    writes at once); nothing at all when FOOTNOTE_ANALYTICS is false."""
    if not settings.analytics:
        return NoRecorder()
    store = search_log(settings)
    if background:
        return QueuedRecorder(store, settings.analytics_retention_days)
    return DirectRecorder(store)


def build_reports(settings: Settings, embedder: Embedder | None = None) -> Reports:
    """The editors' reports over the search log. The API passes its query embedder; a command
    passes none, and the model is loaded only if a report groups by meaning (gaps do)."""
    if embedder is None:
        from indexer.bootstrap.embedders import separate_embedders

        _, embedder = separate_embedders(settings)  # the query runtime, loaded on first use
    return Reports(search_log(settings), embedder)
