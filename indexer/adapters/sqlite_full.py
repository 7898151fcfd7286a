"""SQLite's ways of saying the disk is full, as the one NoSpaceLeft every writer raises."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import NoSpaceLeft

# Less free space than this makes a disk I/O error a full disk: SQLite reports a write that
# found no room as SQLITE_FULL, but failing to grow its WAL index (-shm) as SQLITE_IOERR.
_NEARLY_FULL_BYTES = 1 << 20


@contextmanager
def disk_full_translated(database: Path) -> Iterator[None]:
    """Re-raise SQLite's full-disk errors on `database` as NoSpaceLeft; others unchanged."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if _disk_full(exc, database):
            raise NoSpaceLeft.writing(database) from exc
        raise


def _disk_full(exc: sqlite3.OperationalError, database: Path) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return True
    if code is None or code & 0xFF != sqlite3.SQLITE_IOERR:
        return False
    try:
        stats = os.statvfs(database.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < _NEARLY_FULL_BYTES
