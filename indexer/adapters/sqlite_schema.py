"""The metadata store's tables, and how a connection to them is opened.

Each process opens its own connections (one per thread); every one of them gets the same
settings here, and the first one creates or upgrades the tables.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from indexer.adapters.sqlite_full import disk_full_translated

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT,
    author TEXT,
    published TEXT,
    updated TEXT,
    tags TEXT NOT NULL,
    summary TEXT,
    source_path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    removed_gen INTEGER
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    heading_path TEXT NOT NULL,
    anchor TEXT,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    part TEXT,
    context TEXT NOT NULL,
    text TEXT NOT NULL,
    added_gen INTEGER NOT NULL,
    removed_gen INTEGER,
    terms TEXT
);
CREATE INDEX IF NOT EXISTS chunks_live ON chunks(article_id) WHERE removed_gen IS NULL;
CREATE TABLE IF NOT EXISTS snapshots (
    generation INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    articles INTEGER NOT NULL,
    chunks INTEGER NOT NULL
);
"""


def connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), rows by name."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    with disk_full_translated(path):
        # WAL lets readers keep answering while a writer commits.
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def create_or_upgrade(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)
    columns = {row["name"] for row in conn.execute("PRAGMA table_info(chunks)")}
    if "terms" not in columns:
        # Indexes from before keyword terms were stored: the next commit fills them in.
        conn.execute("ALTER TABLE chunks ADD COLUMN terms TEXT")
