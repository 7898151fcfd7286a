"""Article and chunk metadata in SQLite: the one transactional commit point of the index.

Rows are never rewritten in a way an older snapshot could notice: a removed chunk or article is
marked with the generation that removed it and purged only once no kept snapshot refers to it.
A chunk's integer primary key is its vector id in FAISS. The tables and connection settings
are in `sqlite_schema`, how rows become domain objects and back in `sqlite_rows`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from indexer.adapters import sqlite_rows
from indexer.adapters.sqlite_full import disk_full_translated
from indexer.adapters.sqlite_schema import connect, create_or_upgrade
from indexer.errors import IndexBusy
from indexer.model import Article, Chunk, Hit
from indexer.ports import LiveChunk, StoredArticle


class SqliteChunkStore:
    """The MetadataStore port on SQLite (WAL, one connection per thread)."""

    def __init__(self, path: Path, busy_timeout_s: float = 30.0) -> None:
        self.path = path
        self._busy_timeout_ms = int(busy_timeout_s * 1000)
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with connect(path, self._busy_timeout_ms) as conn:
            create_or_upgrade(conn)

    @property
    def conn(self) -> sqlite3.Connection:
        """One connection per thread: sqlite3 connections must not be shared across threads."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, self._busy_timeout_ms)
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
            with disk_full_translated(self.path):
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
            (generation, sqlite_rows.now(), articles, chunks),
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

    def chunk_article_pairs(self) -> Iterator[tuple[int, str]]:
        cursor = self.conn.execute("SELECT id, article_id FROM chunks")
        cursor.row_factory = None
        yield from cursor

    def hits(self, scored: Sequence[tuple[int, float]]) -> list[Hit]:
        """Hydrate (chunk id, score) pairs, keeping their order; ids purged meanwhile drop out."""
        if not scored:
            return []
        ids = [chunk_id for chunk_id, _ in scored]
        marks = ",".join("?" * len(ids))
        # Plain tuples, and each article's fields decoded once: a search hydrates ~100
        # passages from a few dozen articles, and per-row decoding was most of its cost.
        cursor = self.conn.execute(
            f"SELECT {sqlite_rows.HIT_COLUMNS} FROM chunks WHERE id IN ({marks})", ids
        )
        cursor.row_factory = None
        by_id = {row[0]: row for row in cursor}
        heads = self._article_heads({row[1] for row in by_id.values()})
        hits = []
        for chunk_id, score in scored:
            row = by_id.get(chunk_id)
            head = None if row is None else heads.get(row[1])
            if row is not None and head is not None:
                hits.append(sqlite_rows.hit(row, head, score))
        return hits

    def _article_heads(self, article_ids: set[str]) -> dict[str, sqlite_rows.ArticleHead]:
        marks = ",".join("?" * len(article_ids))
        cursor = self.conn.execute(
            f"SELECT {sqlite_rows.HEAD_COLUMNS} FROM articles WHERE id IN ({marks})",
            list(article_ids),
        )
        cursor.row_factory = None
        return dict(sqlite_rows.article_head(row) for row in cursor)

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT * FROM articles WHERE id = ? AND removed_gen IS NULL", (article_id,)
        ).fetchone()
        return None if row is None else sqlite_rows.article(row)

    # --- writes (inside write_transaction) ----------------------------------------------

    def put_article(self, article: Article) -> None:
        self.conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, url = excluded.url, "
            "author = excluded.author, published = excluded.published, "
            "updated = excluded.updated, tags = excluded.tags, summary = excluded.summary, "
            "source_path = excluded.source_path, content_hash = excluded.content_hash, "
            "text = excluded.text, indexed_at = excluded.indexed_at, removed_gen = NULL",
            sqlite_rows.article_values(article),
        )

    def insert_chunk(self, chunk: Chunk, generation: int, terms: str | None = None) -> int:
        cursor = self.conn.execute(
            "INSERT INTO chunks (article_id, ordinal, content_hash, heading_path, anchor, start, "
            '"end", token_count, part, context, text, added_gen, terms) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sqlite_rows.chunk_values(chunk, generation, terms),
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
