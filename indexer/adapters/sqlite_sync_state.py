"""SyncStateStore on SQLite, in its own file in the data directory (`sync.sqlite`): sync state is
not part of the index's snapshots, and its writes never wait on the index's writer lock."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from indexer.adapters.sqlite_connections import ThreadConnections
from indexer.errors import TransientError
from indexer.ports import PageState, SourceState, Validators

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_sources (
    key TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    started_at REAL,
    finished_at REAL,
    outcome TEXT,
    error TEXT,
    counts TEXT NOT NULL DEFAULT '{}',
    claimed_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sync_pages (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    article_id TEXT,
    etag TEXT,
    last_modified TEXT,
    lastmod TEXT,
    listed INTEGER NOT NULL,
    strikes INTEGER NOT NULL,
    error TEXT,
    checked_at REAL,
    PRIMARY KEY (source, url)
);
"""
_PAGE_COLUMNS = "url, article_id, etag, last_modified, lastmod, listed, strikes, error, checked_at"


class SqliteSyncState:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._connections = ThreadConnections(path, 10000)
        self._conn.executescript(_SCHEMA)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._connections.get()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise TransientError(f"sync state busy: {exc}") from exc
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def claim(self, key: str, now: float, lease_s: float) -> bool:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT claimed_until FROM sync_sources WHERE key = ?", (key,)
            ).fetchone()
            if row is not None and row[0] > now:
                return False
            conn.execute(
                "INSERT INTO sync_sources (key, started_at, claimed_until) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET started_at = excluded.started_at, "
                "claimed_until = excluded.claimed_until",
                (key, now, now + lease_s),
            )
            return True

    def source(self, key: str) -> SourceState | None:
        row = self._conn.execute(
            "SELECT key, etag, last_modified, started_at, finished_at, outcome, error, counts "
            "FROM sync_sources WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        return SourceState(
            key=row[0],
            validators=Validators(row[1], row[2]),
            started_at=row[3],
            finished_at=row[4],
            outcome=row[5],
            error=row[6],
            counts=json.loads(row[7]),
        )

    def pages(self, key: str) -> dict[str, PageState]:
        rows = self._conn.execute(
            f"SELECT {_PAGE_COLUMNS} FROM sync_pages WHERE source = ?", (key,)
        ).fetchall()
        return {
            row[0]: PageState(
                url=row[0],
                article_id=row[1],
                validators=Validators(row[2], row[3]),
                lastmod=row[4],
                listed=bool(row[5]),
                strikes=row[6],
                error=row[7],
                checked_at=row[8],
            )
            for row in rows
        }

    def finish(
        self, run: SourceState, pages: Sequence[PageState] = (), forget: Sequence[str] = ()
    ) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO sync_sources (key, etag, last_modified, started_at, finished_at, "
                "outcome, error, counts, claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) "
                "ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, started_at = excluded.started_at, "
                "finished_at = excluded.finished_at, outcome = excluded.outcome, "
                "error = excluded.error, counts = excluded.counts, claimed_until = 0",
                (
                    run.key,
                    run.validators.etag,
                    run.validators.last_modified,
                    run.started_at,
                    run.finished_at,
                    run.outcome,
                    run.error,
                    json.dumps(dict(run.counts)),
                ),
            )
            conn.executemany(
                f"INSERT OR REPLACE INTO sync_pages (source, {_PAGE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run.key,
                        page.url,
                        page.article_id,
                        page.validators.etag,
                        page.validators.last_modified,
                        page.lastmod,
                        int(page.listed),
                        page.strikes,
                        page.error,
                        page.checked_at,
                    )
                    for page in pages
                ],
            )
            conn.executemany(
                "DELETE FROM sync_pages WHERE source = ? AND url = ?",
                [(run.key, url) for url in forget],
            )
