"""SearchLog on SQLite: `analytics.sqlite` in the data directory, apart from the index so that
recording never takes the index's write lock. Each event is kept once by its event id: a batch
folded twice from the Redis stream (a worker died before acknowledging it) adds nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from indexer.adapters.sqlite_connections import ThreadConnections
from indexer.ports.analytics import OpenEvent, QueryEvent

_SCHEMA = """
CREATE TABLE IF NOT EXISTS queries (
    query_id TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, mode TEXT NOT NULL,
    filters TEXT NOT NULL, results INTEGER NOT NULL, best_score REAL, answered INTEGER,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS queries_by_time ON queries(at);
CREATE TABLE IF NOT EXISTS opens (
    query_id TEXT NOT NULL, article_id TEXT NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS opens_by_time ON opens(at);
"""
# Logs written before events had ids get the column; their old rows (NULL) stay distinct.
_EVENT_IDS = """
CREATE UNIQUE INDEX IF NOT EXISTS queries_by_event ON queries(event_id);
CREATE UNIQUE INDEX IF NOT EXISTS opens_by_event ON opens(event_id);
"""


class SqliteSearchLog:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._connections = ThreadConnections(path, 5000, autocommit=False)
        self._conn.executescript(_SCHEMA)
        for table in ("queries", "opens"):
            columns = {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}
            if "event_id" not in columns:
                try:
                    self._conn.execute(f"ALTER TABLE {table} ADD COLUMN event_id TEXT")
                except sqlite3.OperationalError as exc:
                    if "duplicate column" not in str(exc):  # another process added it first
                        raise
        self._conn.executescript(_EVENT_IDS)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._connections.get()

    def add(self, queries: Sequence[QueryEvent], opens: Sequence[OpenEvent]) -> None:
        with self._conn as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO queries (query_id, kind, text, mode, filters, results, "
                "best_score, answered, at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        q.query_id,
                        q.kind,
                        q.text,
                        q.mode,
                        json.dumps(dict(q.filters)),
                        q.results,
                        q.best_score,
                        None if q.answered is None else int(q.answered),
                        q.at,
                        q.event_id,
                    )
                    for q in queries
                ],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO opens (query_id, article_id, at, event_id) "
                "VALUES (?, ?, ?, ?)",
                [(o.query_id, o.article_id, o.at, o.event_id) for o in opens],
            )

    def purge(self, before: float) -> int:
        with self._conn as conn:
            gone = conn.execute("DELETE FROM queries WHERE at < ?", (before,)).rowcount
            gone += conn.execute("DELETE FROM opens WHERE at < ?", (before,)).rowcount
        return int(gone)

    def queries(self, since: float) -> list[QueryEvent]:
        rows = self._conn.execute(
            "SELECT query_id, kind, text, mode, filters, results, best_score, answered, at, "
            "event_id FROM queries WHERE at >= ? ORDER BY at",
            (since,),
        )
        return [
            QueryEvent(
                query_id=r[0],
                kind=r[1],
                text=r[2],
                mode=r[3],
                filters=json.loads(r[4]),
                results=r[5],
                best_score=r[6],
                answered=None if r[7] is None else bool(r[7]),
                at=r[8],
                event_id=r[9] or "",
            )
            for r in rows
        ]

    def opens(self, since: float) -> list[OpenEvent]:
        rows = self._conn.execute(
            "SELECT query_id, article_id, at, event_id FROM opens WHERE at >= ? ORDER BY at",
            (since,),
        )
        return [OpenEvent(r[0], r[1], r[2], r[3] or "") for r in rows]
