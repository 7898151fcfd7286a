"""Ports of the index: the vector and keyword indexes of a snapshot, and the metadata store
that is the index's one transactional commit point."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from indexer.model import Article, Chunk, Hit
from indexer.ports.embedding import Vectors


class VectorIndex(Protocol):
    """An id-mapped vector index. Ids are chunk ids from the chunk store."""

    def add(self, ids: Sequence[int], vectors: Vectors) -> None: ...

    def remove(self, ids: Sequence[int]) -> None: ...

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        """Best first, by inner product. Removed ids never come back."""

    def ids(self) -> set[int]: ...

    def vectors(self, ids: Sequence[int]) -> Vectors:
        """The stored vectors of `ids`, each of which must be present."""

    def __len__(self) -> int: ...

    def save(self, path: str) -> None:
        """Write to `path` completely or raise; the caller makes it current."""


class LexicalIndex(Protocol):
    """A keyword index over chunks' terms (indexer.text.lexical_tokens), rebuilt per snapshot."""

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Best first by BM25 score; only chunks that share a term with the query."""

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, list[int]]:
        """(chunks indexed, how many of them hold each of `terms`, in order; 0 for a term
        the index never saw). Terms are `lexical_tokens` output. Cheap: no scoring."""

    def holding(self, term: str) -> set[int]:
        """The chunks whose terms include `term` exactly, as `lexical_tokens` makes terms (an
        identifier's whole lower-cased spelling, or a word's stem); empty for an unknown term."""

    def ids(self) -> set[int]: ...

    def save(self, path: str) -> None: ...


@dataclass(frozen=True)
class LiveChunk:
    id: int
    content_hash: str


@dataclass(frozen=True)
class StoredArticle:
    id: str
    content_hash: str
    source_path: str


class MetadataStore(Protocol):
    """Articles, chunks, snapshot generations and index metadata, transactionally.

    Rows are versioned by generation: a removed chunk or article is marked with the generation
    that removed it and purged only once no kept snapshot refers to it. A chunk's id is its
    vector id. Writes happen only inside `write_transaction()`, and take effect at `commit()`.
    Reads may run on any thread.
    """

    path: Path
    """Where the store lives (for operators' messages, never for readers)."""

    def write_transaction(self) -> AbstractContextManager[None]:
        """Hold the one writer lock across processes (IndexBusy when another writer keeps it
        too long); everything not committed is rolled back on leaving."""

    def commit(self) -> None: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def generation(self) -> int:
        """The current snapshot generation; 0 before the first commit. Cheap: read per query."""

    def record_snapshot(self, generation: int) -> None:
        """Make `generation` current (takes effect at commit)."""

    def stored_articles(self) -> dict[str, StoredArticle]:
        """Every live article's id, content hash and source path."""

    def stored_article(self, article_id: str) -> StoredArticle | None: ...

    def article(self, article_id: str) -> Article | None:
        """The whole live article, or None."""

    def live_chunks(self, article_id: str) -> list[LiveChunk]:
        """The article's live chunks in reading order."""

    def live_chunk_ids(self) -> set[int]: ...

    def live_chunk_texts(self) -> list[tuple[int, str]]:
        """(id, heading context + text) of every live chunk."""

    def live_chunk_terms(self) -> list[tuple[int, str | None, str | None]]:
        """(id, stored keyword terms or None, context + text where no terms are stored)."""

    def set_chunk_terms(self, terms: Sequence[tuple[int, str]]) -> None: ...

    def counts(self) -> tuple[int, int]:
        """(live articles, live chunks)."""

    def orphan_chunks(self) -> int:
        """Live chunks whose article is missing or removed (a consistent index has none)."""

    def chunk_article_pairs(self) -> Iterator[tuple[int, str]]:
        """(chunk id, article id) of every stored chunk, live or kept for an older snapshot,
        one row at a time (a list would hold every row as Python objects at once)."""

    def hits(self, scored: Sequence[tuple[int, float]]) -> list[Hit]:
        """(chunk id, score) pairs as Hits, in order; ids purged meanwhile drop out."""

    def put_article(self, article: Article) -> None:
        """Insert or replace the article's row (live again if it had been removed)."""

    def insert_chunk(self, chunk: Chunk, generation: int, terms: str | None = None) -> int:
        """Store a new chunk added at `generation`; returns its id."""

    def move_chunk(self, chunk_id: int, chunk: Chunk) -> None:
        """Same content at a new place in its article: update where it sits, keep its id."""

    def remove_chunks(self, ids: Iterable[int], generation: int) -> None: ...

    def retire_article(self, article_id: str, generation: int) -> None:
        """Mark the article removed at `generation`."""

    def purge_removed(self, before_generation: int) -> None:
        """Forget rows that no snapshot from `before_generation` on can refer to."""
