"""Wiring of sync: the polite HTTP fetcher and the sync state in the data directory."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from indexer.config import Settings
from indexer.ports import SyncStateStore

if TYPE_CHECKING:
    from indexer.index.indexing_service import IndexingService
    from indexer.sync.runs import SourceStatus
    from indexer.sync.sync_service import SyncService


def build_sync(
    settings: Settings, indexing: IndexingService, clock: Callable[[], float] = time.time
) -> SyncService:
    """The sync service over `indexing`: fetching only the hosts the sources name."""
    from indexer.adapters.http_fetcher import HttpxFetcher, user_agent
    from indexer.sync.sync_service import SyncService

    hosts = {source.host for source in settings.sync_sources if source.host}
    fetcher = HttpxFetcher(
        hosts,
        user_agent(settings.public_url),
        timeout_s=settings.sync_timeout_s,
        max_bytes=settings.sync_max_bytes,
        retries=settings.sync_retries,
    )
    return SyncService(settings.sync_sources, fetcher, sync_state(settings), indexing, clock)


def sync_status(settings: Settings) -> list[SourceStatus]:
    """Each source's last run, read without loading the model or the index."""
    from indexer.sync.sync_service import source_statuses

    return source_statuses(settings.sync_sources, sync_state(settings))


def sync_state(settings: Settings) -> SyncStateStore:
    from indexer.adapters.sqlite_sync_state import SqliteSyncState

    return SqliteSyncState(settings.data_dir / "sync.sqlite")
