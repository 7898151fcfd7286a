"""The Unit of Work: vectors, keyword index and metadata commit together, or not at all.

FAISS and bm25s are not transactional, so SQLite's COMMIT is the only commit point. Inside
`BEGIN IMMEDIATE` (one writer across processes) we change rows and a working copy of the
vectors, write the next generation's snapshot aside, record it in the same transaction, and
commit. Leaving the `with` block without `commit()` rolls everything back; a crash at any point
leaves the previous generation current and intact.

A `fresh` unit of work (a rebuild) starts from an empty vector index instead of the current
one, takes whatever model is configured, and counts every chunk live before it as stale: each
article it replaces gets new vectors. Every live article must be replaced or dropped before it
commits, or no chunk would be left without a vector.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Protocol

import numpy as np

from indexer.errors import ConcurrentEdit, CorruptSnapshot, IndexMismatch
from indexer.index.snapshots import LEXICAL, VECTORS, Manifest, SnapshotDirectory
from indexer.model import Article, Chunk
from indexer.ports import LexicalIndex, MetadataStore, VectorIndex, Vectors
from indexer.text.lexical_tokens import keyword_terms


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, fresh: bool = False) -> IndexUnitOfWork: ...


class IndexUnitOfWork:
    def __init__(
        self,
        store: MetadataStore,
        snapshots: SnapshotDirectory,
        load_vectors: Callable[[int], VectorIndex],
        empty_vectors: Callable[[], VectorIndex],
        # From (chunk id, its keyword terms joined by spaces) of every live chunk.
        build_lexical: Callable[[Sequence[tuple[int, str]]], LexicalIndex],
        model: str,
        dimension: int,
        keep_snapshots: int = 3,
        fresh: bool = False,
    ) -> None:
        self._store = store
        self._snapshots = snapshots
        self._load_vectors = load_vectors
        self._empty_vectors = empty_vectors
        self._build_lexical = build_lexical
        self._model = model
        self._dimension = dimension
        self._keep = max(2, keep_snapshots)
        self._vectors: VectorIndex | None = None
        self._generation = 0
        self._changed = False
        self._fresh = fresh
        # Fresh: the vectors of the chunks inserted so far, added to the index in one call at
        # commit rather than one per article (each add copies the index's id array).
        self._pending: dict[int, Vectors] = {}
        self._untouched: set[str] = set()  # fresh: live articles not yet replaced or dropped

    def __enter__(self) -> IndexUnitOfWork:
        self._transaction = self._store.write_transaction()
        self._transaction.__enter__()
        try:
            current = self._store.generation()
            self._generation = current + 1
            self._pending = {}
            if self._fresh:
                # A rebuild needs nothing of the current snapshot, so it also repairs one that
                # can no longer be read.
                self._vectors = self._empty_vectors()
                self._untouched = set(self._store.stored_articles())
                self._changed = True  # a rebuild publishes even an empty index, with its model
                return self
            self._check_model()
            self._check_snapshot(current)
            # `load_vectors` reads a private instance from the snapshot's files, so it is
            # changed in place: a copy would double the writer's memory (178 MB more at 100k).
            self._vectors = self._load_vectors(current) if current else self._empty_vectors()
        except BaseException:
            # No `with` body will run, so no __exit__: give the write lock back now.
            self._transaction.__exit__(*sys.exc_info())
            raise
        self._changed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._vectors = None
        self._transaction.__exit__(exc_type, exc, tb)

    @property
    def generation(self) -> int:
        """The generation this unit of work will publish when it commits."""
        return self._generation

    def replace_article(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        vectors: Mapping[str, Vectors],
        terms: Mapping[str, str] | None = None,
    ) -> None:
        """Make `article` and exactly `chunks` live. `vectors` maps the content hash of every
        chunk not already live to its embedding; `terms`, optionally, to its keyword terms
        (worked out here otherwise). Idempotent: replaying it changes nothing."""
        assert self._vectors is not None, "use inside `with uow:`"
        live: dict[str, list[int]] = defaultdict(list)
        stale: list[int] = []
        for row in self._store.live_chunks(article.id):
            if self._fresh and row.id not in self._pending:
                stale.append(row.id)  # its vector is not in the fresh index
            else:
                live[row.content_hash].append(row.id)
        new_ids: list[int] = []
        new_rows: list[Vectors] = []
        for chunk in chunks:
            digest = chunk.content_hash  # a property: a SHA-256 per read
            if live.get(digest):
                self._store.move_chunk(live[digest].pop(0), chunk)
                continue
            vector = vectors.get(digest)
            if vector is None:
                raise ConcurrentEdit(f"article {article.id!r} changed while it was embedded")
            given = terms.get(digest) if terms else None
            chunk_terms = keyword_terms(chunk.embed_text) if given is None else given
            new_ids.append(self._store.insert_chunk(chunk, self._generation, chunk_terms))
            new_rows.append(vector.reshape(1, -1))
        stale += [chunk_id for ids in live.values() for chunk_id in ids]
        self._store.remove_chunks(stale, self._generation)
        self._remove_vectors(stale)
        if new_ids:
            self._add_vectors(new_ids, new_rows)
        self._store.put_article(article)
        self._untouched.discard(article.id)
        self._changed = True

    def drop_article(self, article_id: str) -> bool:
        """Remove an article and its chunks; False when it was not indexed."""
        assert self._vectors is not None, "use inside `with uow:`"
        stale = [row.id for row in self._store.live_chunks(article_id)]
        known = self._store.stored_article(article_id) is not None
        self._store.remove_chunks(stale, self._generation)
        self._remove_vectors(stale)
        self._store.retire_article(article_id, self._generation)
        self._untouched.discard(article_id)
        self._changed = self._changed or known
        return known

    def _add_vectors(self, ids: list[int], rows: list[Vectors]) -> None:
        assert self._vectors is not None
        if self._fresh:
            self._pending.update(zip(ids, rows, strict=True))
        else:
            self._vectors.add(ids, np.vstack(rows))

    def _remove_vectors(self, ids: list[int]) -> None:
        assert self._vectors is not None
        if self._fresh:
            for chunk_id in ids:
                self._pending.pop(chunk_id, None)
        else:
            self._vectors.remove(ids)

    def _live_terms(self) -> list[tuple[int, str]]:
        """Every live chunk's keyword terms. They are worked out once, when the chunk is
        stored: re-tokenising the whole corpus on every commit made one publish at 100k
        chunks take most of a minute."""
        rows = self._store.live_chunk_terms()
        filled = {
            chunk_id: keyword_terms(text or "") for chunk_id, terms, text in rows if terms is None
        }
        if filled:
            self._store.set_chunk_terms(list(filled.items()))
        return [
            (chunk_id, terms if terms is not None else filled[chunk_id])
            for chunk_id, terms, _ in rows
        ]

    def commit(self) -> int:
        """Publish the next generation. Returns the generation now current."""
        assert self._vectors is not None, "use inside `with uow:`"
        if not self._changed:
            return self._generation - 1
        if self._untouched:
            # A bug in the caller, never a state to publish: these articles' chunks would
            # be live with no vector.
            raise RuntimeError(
                f"a fresh unit of work left {len(self._untouched)} live articles without "
                f"vectors: {sorted(self._untouched)[:5]}"
            )
        vectors = self._vectors
        if self._pending:
            vectors.add(list(self._pending), np.vstack(list(self._pending.values())))
            self._pending = {}
        lexical = self._build_lexical(self._live_terms())
        articles, chunks = self._store.counts()

        def describe(files: dict[str, str]) -> Manifest:
            return Manifest(self._generation, self._model, self._dimension, chunks, articles, files)

        self._snapshots.write(
            self._generation,
            {VECTORS: lambda p: vectors.save(str(p)), LEXICAL: lambda p: lexical.save(str(p))},
            describe,
        )
        self._store.set_meta("model", self._model)
        self._store.set_meta("dimension", str(self._dimension))
        self._store.record_snapshot(self._generation)
        oldest_kept = self._snapshots.clean(self._generation, self._keep)
        self._store.purge_removed(oldest_kept)
        self._store.commit()
        return self._generation

    def _check_snapshot(self, current: int) -> None:
        """The current generation must still be on disk: the next one is built from it."""
        gone = self._snapshots.missing(current) if current else None
        if gone is not None:
            raise CorruptSnapshot(
                f"cannot update the index: its current snapshot can no longer be read "
                f"({gone[1]}); nothing was changed. Restore the data directory from a backup, "
                "or rebuild the index with `footnote index --rebuild PATH`"
            )

    def _check_model(self) -> None:
        model = self._store.get_meta("model")
        if model is not None and model != self._model:
            raise IndexMismatch(
                f"this index was built with model {model!r}, but {self._model!r} is configured; "
                "use another data directory or run `footnote index --rebuild`"
            )
