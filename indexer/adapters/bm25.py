"""LexicalIndex port over bm25s, rebuilt for each snapshot from the live chunks."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from indexer.errors import CorruptSnapshot
from indexer.text.lexical_tokens import lexical_tokens

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


class _WholeArrayBM25(bm25s.BM25):  # type: ignore[misc]  # bm25s ships no type hints
    """bm25s, with the index built by whole-array operations instead of its per-document
    Python loop (bm25s documents build_index_from_ids as the method to override for that).
    Same Lucene formula, same score matrix (tested against bm25s's own build): at 100k chunks
    a commit no longer spends seconds counting terms one document at a time."""

    def build_index_from_ids(
        self,
        unique_token_ids: list[int],
        corpus_token_ids: list[list[int]],
        show_progress: bool = True,
        leave_progress: bool = False,
    ) -> dict[str, Any]:
        if (self.method, self.idf_method) != ("lucene", "lucene"):
            return super().build_index_from_ids(  # type: ignore[no-any-return]
                unique_token_ids, corpus_token_ids, show_progress, leave_progress
            )
        self.nonoccurrence_array = None  # only BM25L and BM25+ use one; retrieval reads it
        docs, vocab = len(corpus_token_ids), len(unique_token_ids)
        lengths = np.fromiter(map(len, corpus_token_ids), dtype=np.int64, count=docs)
        terms = np.fromiter(
            itertools.chain.from_iterable(corpus_token_ids), dtype=np.int64, count=lengths.sum()
        )
        # One key per (document, term) occurrence; sorted, equal keys sit together and their
        # run lengths are the term frequencies. Documents come in order, so the sort is cheap.
        keys = np.repeat(np.arange(docs, dtype=np.int64), lengths) * vocab + terms
        keys.sort(kind="stable")
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys
        pairs = keys[starts]
        tf = np.diff(np.r_[starts, len(keys)]).astype(np.float64)
        doc, term = pairs // vocab, pairs % vocab
        frequency = np.bincount(term, minlength=vocab)  # documents per term
        idf = np.log1p((docs - frequency + 0.5) / (frequency + 0.5)).astype(self.dtype)
        length = lengths[doc] / lengths.mean()
        scores = idf[term] * (tf / (self.k1 * ((1 - self.b) + self.b * length) + tf))
        indptr = np.r_[0, np.cumsum(np.bincount(doc, minlength=docs))]
        matrix = sp.csr_matrix(
            (scores.astype(self.dtype), term, indptr), shape=(docs, vocab)
        ).tocsc()
        return {
            "data": matrix.data,
            "indices": matrix.indices,
            "indptr": matrix.indptr,
            "num_docs": docs,
        }


class Bm25LexicalIndex:
    def __init__(self, retriever: bm25s.BM25 | None, ids: list[int]) -> None:
        self._retriever = retriever
        self._ids = ids
        self._vocab: dict[str, int] = retriever.vocab_dict if retriever is not None else {}

    @classmethod
    def build(
        cls, docs: Sequence[tuple[int, str]], k1: float = 1.2, b: float = 0.75
    ) -> Bm25LexicalIndex:
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
        retriever = _WholeArrayBM25(k1=k1, b=b)
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
        ids = self._ids
        return [
            (ids[d], s) for d, s in zip(docs[0].tolist(), scores[0].tolist(), strict=True) if s > 0
        ]

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, list[int]]:
        if self._retriever is None:
            return 0, [0] * len(terms)
        # The score matrix is stored by term (CSC): a term's column holds one entry per chunk
        # containing it, so its length is the term's document frequency.
        indptr = self._retriever.scores["indptr"]
        frequencies = []
        for term in terms:
            column = self._vocab.get(term)
            frequencies.append(0 if column is None else int(indptr[column + 1] - indptr[column]))
        return len(self._ids), frequencies

    def holding(self, term: str) -> set[int]:
        column = self._vocab.get(term)
        if self._retriever is None or column is None:
            return set()
        # The score matrix is stored by term (CSC): a term's column lists the chunks holding it.
        indptr, rows = self._retriever.scores["indptr"], self._retriever.scores["indices"]
        ids = self._ids
        return {ids[r] for r in rows[indptr[column] : indptr[column + 1]].tolist()}

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
