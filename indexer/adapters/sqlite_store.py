"""Article and chunk metadata in SQLite: the one transactional commit point of the index.

Rows are never rewritten in a way an older snapshot could notice: a removed chunk or article is
marked with the generation that removed it and purged only once no kept snapshot refers to it.
A chunk's integer primary key is its vector id in FAISS.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from indexer.errors import IndexBusy
from indexer.model import Article, Chunk, Hit
from indexer.ports import LiveChunk, StoredArticle

# title, url, published, updated, author, tags
_ArticleHead = tuple[str, str | None, date | None, date | None, str | None, tuple[str, ...]]

_SCHEMA = """
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


class SqliteChunkStore:
    """The MetadataStore port on SQLite (WAL, one connection per thread)."""

    def __init__(self, path: Path, busy_timeout_s: float = 30.0) -> None:
        self.path = path
        self._busy_timeout_ms = int(busy_timeout_s * 1000)
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)
            columns = {row["name"] for row in conn.execute("PRAGMA table_info(chunks)")}
            if "terms" not in columns:
                # Indexes from before keyword terms were stored: the next commit fills them in.
                conn.execute("ALTER TABLE chunks ADD COLUMN terms TEXT")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
        # WAL lets readers keep answering while a writer commits.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """One connection per thread: sqlite3 connections must not be shared across threads."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    # --- transactions -------------------------------------------------------------------

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        """`BEGIN IMMEDIATE`: one writer across all processes; rolled back unless committed."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            waited = self._busy_timeout_ms / 1000
            raise IndexBusy(
                f"another process kept the index's write lock for over {waited:g} s ({exc}): "
                "try again when it has finished (FOOTNOTE_WRITE_LOCK_TIMEOUT_S waits longer)"
            ) from exc
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    # --- meta ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def generation(self) -> int:
        value = self.get_meta("generation")
        return int(value) if value is not None else 0

    def record_snapshot(self, generation: int) -> None:
        articles, chunks = self.counts()
        self.conn.execute(
            "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?)",
            (generation, _now(), articles, chunks),
        )
        self.set_meta("generation", str(generation))

    # --- reads --------------------------------------------------------------------------

    def stored_articles(self) -> dict[str, StoredArticle]:
        rows = self.conn.execute(
            "SELECT id, content_hash, source_path FROM articles WHERE removed_gen IS NULL"
        )
        return {r["id"]: StoredArticle(r["id"], r["content_hash"], r["source_path"]) for r in rows}

    def stored_article(self, article_id: str) -> StoredArticle | None:
        row = self.conn.execute(
            "SELECT id, content_hash, source_path FROM articles "
            "WHERE id = ? AND removed_gen IS NULL",
            (article_id,),
        ).fetchone()
        return None if row is None else StoredArticle(*row)

    def live_chunks(self, article_id: str) -> list[LiveChunk]:
        rows = self.conn.execute(
            "SELECT id, content_hash FROM chunks WHERE article_id = ? AND removed_gen IS NULL "
            "ORDER BY ordinal",
            (article_id,),
        )
        return [LiveChunk(r["id"], r["content_hash"]) for r in rows]

    def live_chunk_texts(self) -> list[tuple[int, str]]:
        """(id, context + text) of every live chunk: what the lexical index is built from."""
        rows = self.conn.execute(
            "SELECT id, context, text FROM chunks WHERE removed_gen IS NULL ORDER BY id"
        )
        return [(r["id"], r["context"] + r["text"]) for r in rows]

    def live_chunk_terms(self) -> list[tuple[int, str | None, str | None]]:
        """(id, keyword terms, context + text) of every live chunk, the text only where no
        terms are stored yet: what the lexical index is built from, without reading every
        chunk's text on every commit."""
        cursor = self.conn.execute(
            "SELECT id, terms, CASE WHEN terms IS NULL THEN context || text END "
            "FROM chunks WHERE removed_gen IS NULL ORDER BY id"
        )
        cursor.row_factory = None
        return cursor.fetchall()

    def set_chunk_terms(self, terms: Sequence[tuple[int, str]]) -> None:
        self.conn.executemany(
            "UPDATE chunks SET terms = ? WHERE id = ?", [(t, chunk_id) for chunk_id, t in terms]
        )

    def live_chunk_ids(self) -> set[int]:
        rows = self.conn.execute("SELECT id FROM chunks WHERE removed_gen IS NULL")
        return {r["id"] for r in rows}

    def counts(self) -> tuple[int, int]:
        articles = self.conn.execute(
            "SELECT count(*) FROM articles WHERE removed_gen IS NULL"
        ).fetchone()[0]
        chunks = self.conn.execute(
            "SELECT count(*) FROM chunks WHERE removed_gen IS NULL"
        ).fetchone()[0]
        return int(articles), int(chunks)

    def orphan_chunks(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM chunks c LEFT JOIN articles a ON a.id = c.article_id "
            "WHERE c.removed_gen IS NULL AND (a.id IS NULL OR a.removed_gen IS NOT NULL)"
        ).fetchone()
        return int(row[0])

    def chunk_articles(self, chunk_ids: Sequence[int]) -> dict[int, str]:
        """Which article each of `chunk_ids` belongs to (ids purged meanwhile are absent)."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        cursor = self.conn.execute(
            f"SELECT id, article_id FROM chunks WHERE id IN ({marks})", list(chunk_ids)
        )
        cursor.row_factory = None
        return dict(cursor.fetchall())

    def hits(self, scored: Sequence[tuple[int, float]]) -> list[Hit]:
        """Hydrate (chunk id, score) pairs, keeping their order; ids purged meanwhile drop out."""
        if not scored:
            return []
        ids = [chunk_id for chunk_id, _ in scored]
        marks = ",".join("?" * len(ids))
        # Plain tuples, and each article's fields decoded once: a search hydrates ~100
        # passages from a few dozen articles, and per-row decoding was most of its cost.
        cursor = self.conn.execute(
            'SELECT id, article_id, heading_path, anchor, start, "end", text '
            f"FROM chunks WHERE id IN ({marks})",
            ids,
        )
        cursor.row_factory = None
        by_id = {row[0]: row for row in cursor}
        owners = {row[1] for row in by_id.values()}
        heads = self._article_heads(owners)
        hits = []
        for chunk_id, score in scored:
            row = by_id.get(chunk_id)
            if row is None:
                continue
            _, article_id, heading_path, anchor, start, end, text = row
            head = heads.get(article_id)
            if head is None:
                continue
            title, url, published, updated, author, tags = head
            hits.append(
                Hit(
                    chunk_id=chunk_id,
                    article_id=article_id,
                    title=title,
                    url=url,
                    heading=_innermost_heading(heading_path),
                    anchor=anchor,
                    text=text,
                    start=start,
                    end=end,
                    score=score,
                    published=published,
                    updated=updated,
                    author=author,
                    tags=tags,
                )
            )
        return hits

    def _article_heads(self, article_ids: set[str]) -> dict[str, _ArticleHead]:
        marks = ",".join("?" * len(article_ids))
        cursor = self.conn.execute(
            "SELECT id, title, url, published, updated, author, tags "
            f"FROM articles WHERE id IN ({marks})",
            list(article_ids),
        )
        cursor.row_factory = None
        return {
            row[0]: (
                row[1],
                row[2],
                _date(row[3]),
                _date(row[4]),
                row[5],
                tuple(json.loads(row[6])),
            )
            for row in cursor
        }

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT * FROM articles WHERE id = ? AND removed_gen IS NULL", (article_id,)
        ).fetchone()
        if row is None:
            return None
        return Article(
            id=row["id"],
            title=row["title"],
            text=row["text"],
            source_path=row["source_path"],
            url=row["url"],
            author=row["author"],
            published=_date(row["published"]),
            updated=_date(row["updated"]),
            tags=tuple(json.loads(row["tags"])),
            summary=row["summary"],
        )

    # --- writes (inside write_transaction) ----------------------------------------------

    def put_article(self, article: Article) -> None:
        self.conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, url = excluded.url, "
            "author = excluded.author, published = excluded.published, "
            "updated = excluded.updated, tags = excluded.tags, summary = excluded.summary, "
            "source_path = excluded.source_path, content_hash = excluded.content_hash, "
            "text = excluded.text, indexed_at = excluded.indexed_at, removed_gen = NULL",
            (
                article.id,
                article.title,
                article.url,
                article.author,
                article.published and article.published.isoformat(),
                article.updated and article.updated.isoformat(),
                json.dumps(list(article.tags)),
                article.summary,
                article.source_path,
                article.content_hash,
                article.text,
                _now(),
            ),
        )

    def insert_chunk(self, chunk: Chunk, generation: int, terms: str | None = None) -> int:
        context = chunk.embed_text[: len(chunk.embed_text) - len(chunk.text)]
        cursor = self.conn.execute(
            "INSERT INTO chunks (article_id, ordinal, content_hash, heading_path, anchor, start, "
            '"end", token_count, part, context, text, added_gen, terms) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chunk.article_id,
                chunk.ordinal,
                chunk.content_hash,
                json.dumps(list(chunk.heading_path)),
                chunk.anchor,
                chunk.start,
                chunk.end,
                chunk.token_count,
                chunk.part,
                context,
                chunk.text,
                generation,
                terms,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def move_chunk(self, chunk_id: int, chunk: Chunk) -> None:
        """Same content, new place in an edited article: update where it sits, keep its vector."""
        self.conn.execute(
            'UPDATE chunks SET ordinal = ?, start = ?, "end" = ?, anchor = ?, part = ? '
            "WHERE id = ?",
            (chunk.ordinal, chunk.start, chunk.end, chunk.anchor, chunk.part, chunk_id),
        )

    def remove_chunks(self, ids: Iterable[int], generation: int) -> None:
        self.conn.executemany(
            "UPDATE chunks SET removed_gen = ? WHERE id = ?", [(generation, i) for i in ids]
        )

    def retire_article(self, article_id: str, generation: int) -> None:
        self.conn.execute(
            "UPDATE articles SET removed_gen = ? WHERE id = ? AND removed_gen IS NULL",
            (generation, article_id),
        )

    def purge_removed(self, before_generation: int) -> None:
        """Forget rows that no kept snapshot can refer to any more."""
        self.conn.execute("DELETE FROM chunks WHERE removed_gen <= ?", (before_generation,))
        self.conn.execute("DELETE FROM articles WHERE removed_gen <= ?", (before_generation,))
        self.conn.execute("DELETE FROM snapshots WHERE generation < ?", (before_generation,))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=4096)
def _innermost_heading(heading_path: str) -> str | None:
    # An article's passages share a handful of heading paths: decode each once.
    path = json.loads(heading_path)
    return str(path[-1]) if path else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
