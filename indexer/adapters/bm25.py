"""LexicalIndex port over bm25s, rebuilt for each snapshot from the live chunks."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from indexer.errors import CorruptSnapshot
from indexer.lexical_tokens import lexical_tokens

_IDS = "chunk_ids.json"


def _bm25s_without_numba() -> ModuleType:
    """bm25s, imported so that it does not load numba just because numba is installed (ranx,
    for the evals, installs it). Footnote retrieves with bm25s's numpy backend either way;
    importing numba and LLVM only cost every API and worker process about 110 MB of memory
    (measured at 100k chunks: 122 vs 232 MB with the keyword index loaded). A process that
    imported numba itself already (an eval) keeps it."""
    hide = "numba" not in sys.modules
    if hide:
        sys.modules["numba"] = None  # type: ignore[assignment]  # makes `import numba` fail
    try:
        import bm25s as module
    finally:
        if hide:
            del sys.modules["numba"]
    loaded: ModuleType = module
    return loaded


if TYPE_CHECKING:
    import bm25s
else:
    bm25s = _bm25s_without_numba()


class Bm25LexicalIndex:
    def __init__(self, retriever: bm25s.BM25 | None, ids: list[int]) -> None:
        self._retriever = retriever
        self._ids = ids
        self._vocab: dict[str, int] = retriever.vocab_dict if retriever is not None else {}

    @classmethod
    def build(cls, docs: Sequence[tuple[int, str]]) -> Bm25LexicalIndex:
        """From (chunk id, its `keyword_terms`) pairs: the terms are worked out once, when a
        chunk is stored, so a rebuild only splits them."""
        if not docs:
            return cls(None, [])
        # Term ids, not strings: bm25s would hold every term of the corpus as its own string
        # object while it counts them. At 100k chunks: 3.8 s and +140 MB instead of 5.2 s
        # and +790 MB, for the same index.
        vocab: dict[str, int] = {}
        term_ids = [
            [vocab.setdefault(term, len(vocab)) for term in (terms.split() or ["\u2205"])]
            for _, terms in docs
        ]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus = bm25s.tokenization.Tokenized(ids=term_ids, vocab=vocab)
        retriever.index(corpus, show_progress=False)
        return cls(retriever, [chunk_id for chunk_id, _ in docs])

    @classmethod
    def load(cls, path: Path) -> Bm25LexicalIndex:
        """The index saved in `path`, its score matrix mapped rather than read: a reader
        switching snapshots holds no second private copy (60 MB at 100k chunks), and the
        kernel may drop its pages under pressure. Safe because snapshot files never change."""
        try:
            ids = json.loads((path / _IDS).read_text())
            retriever = bm25s.BM25.load(str(path), mmap=True) if ids else None
        except (OSError, ValueError, KeyError) as exc:
            raise CorruptSnapshot(f"cannot read keyword index {path}: {exc}") from exc
        return cls(retriever, ids)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        terms = [t for t in lexical_tokens(query) if t in self._vocab]
        if self._retriever is None or not terms or k <= 0:
            return []
        docs, scores = self._retriever.retrieve(
            [terms], k=min(k, len(self._ids)), show_progress=False, n_threads=0
        )
        return [
            (self._ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]

    def ids(self) -> set[int]:
        return set(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def save(self, path: str) -> None:
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(directory))
        (directory / _IDS).write_text(json.dumps(self._ids))
