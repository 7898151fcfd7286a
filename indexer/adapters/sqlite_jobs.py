"""JobStore on SQLite, for one machine with no Redis (the embedded mode)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from indexer.adapters.sqlite_connections import ThreadConnections
from indexer.errors import TransientError
from indexer.jobs.records import Job, JobEvent

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_keys (key TEXT PRIMARY KEY, job_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS job_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS job_events_by_job ON job_events(job_id, id);
CREATE TABLE IF NOT EXISTS queued_jobs (
    job_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS queued_jobs_by_kind ON queued_jobs(kind, created_at);
"""
# Event ids are SQLite rowids: a Last-Event-ID past this range could not have come from here.
MAX_ROWID = 2**63 - 1


class SqliteJobStore:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._connections = ThreadConnections(path, 10000)
        self._conn.executescript(_SCHEMA)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._connections.get()

    def create(self, job: Job) -> tuple[Job, bool]:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            if job.idempotency_key:
                row = conn.execute(
                    "SELECT job_id FROM job_keys WHERE key = ?", (job.idempotency_key,)
                ).fetchone()
                if row is not None:
                    conn.execute("ROLLBACK")
                    existing = self.get(row[0])
                    if existing is not None:
                        return existing, False
                    conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT OR REPLACE INTO job_keys VALUES (?, ?)", (job.idempotency_key, job.id)
                )
            conn.execute("INSERT INTO jobs VALUES (?, ?)", (job.id, _dump(job)))
            self._track_queued(job)
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise TransientError(f"job store busy: {exc}") from exc
        return job, True

    def get(self, job_id: str) -> Job | None:
        row = self._conn.execute("SELECT body FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else Job(**json.loads(row[0]))

    def job_for_key(self, idempotency_key: str) -> Job | None:
        row = self._conn.execute(
            "SELECT job_id FROM job_keys WHERE key = ?", (idempotency_key,)
        ).fetchone()
        return None if row is None else self.get(row[0])

    def count_queued(self, kind: str, since: float) -> int:
        row = self._conn.execute(
            "SELECT count(*) FROM queued_jobs WHERE kind = ? AND created_at >= ?", (kind, since)
        ).fetchone()
        return int(row[0])

    def update(self, job_id: str, **fields: Any) -> None:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            job = self.get(job_id)
            if job is not None:
                for name, value in fields.items():
                    setattr(job, name, value)
                conn.execute("UPDATE jobs SET body = ? WHERE id = ?", (_dump(job), job_id))
                if "state" in fields:
                    self._track_queued(job)
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    def add_event(self, job_id: str, kind: str, data: Mapping[str, Any]) -> str:
        cursor = self._conn.execute(
            "INSERT INTO job_events (job_id, kind, data) VALUES (?, ?, ?)",
            (job_id, kind, json.dumps(dict(data))),
        )
        return str(cursor.lastrowid)

    def _track_queued(self, job: Job) -> None:
        """Inside the caller's transaction: the queued-jobs index follows the job's state."""
        if job.state == "queued":
            self._conn.execute(
                "INSERT OR REPLACE INTO queued_jobs VALUES (?, ?, ?)",
                (job.id, job.kind, job.created_at),
            )
        else:
            self._conn.execute("DELETE FROM queued_jobs WHERE job_id = ?", (job.id,))

    def events(self, job_id: str, after: str | None = None, limit: int = 500) -> list[JobEvent]:
        start = _event_id(after)
        rows = self._conn.execute(
            "SELECT id, kind, data FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?",
            (job_id, start, limit),
        )
        return [JobEvent(str(r[0]), r[1], json.loads(r[2])) for r in rows]

    def recent(self, limit: int = 20) -> list[Job]:
        rows = self._conn.execute("SELECT body FROM jobs ORDER BY rowid DESC LIMIT ?", (limit,))
        return [Job(**json.loads(row[0])) for row in rows]

    def ping(self) -> None:
        self._conn.execute("SELECT 1")


def _event_id(after: str | None) -> int:
    """The rowid after which to read, or 0 (from the start) for anything this store never
    issues. ASCII digits only: `str.isdigit` also accepts '²', which `int` refuses."""
    if after and after.isascii() and after.isdigit() and int(after) <= MAX_ROWID:
        return int(after)
    return 0


def _dump(job: Job) -> str:
    data = job.__dict__.copy()
    return json.dumps(data)
