"""One SQLite connection per thread, in WAL mode: the stores beside the index (jobs, sync state,
analytics) all open their files this way. A sqlite3 connection must not cross threads, and WAL
lets readers go on while one writer commits."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class ThreadConnections:
    def __init__(self, path: Path, busy_timeout_ms: int, autocommit: bool = True) -> None:
        """`autocommit`: transactions only where the caller begins them; otherwise Python's
        implicit ones, committed by `with connection:`."""
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._autocommit = autocommit
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._autocommit:
                conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            else:
                conn = sqlite3.connect(self._path, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
            conn.execute("PRAGMA journal_mode = WAL")
            self._local.conn = conn
        return conn
