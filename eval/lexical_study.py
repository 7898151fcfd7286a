"""A keyword index for studying the lexical leg offline: BM25 variants, title weight, RM3.

The served keyword index (bm25s, `indexer.adapters.bm25`) answers a list of terms. Choosing
its parameters needs more: any (k1, b), the title counted twice, a query of weighted terms
(for pseudo-relevance feedback), and which chunks hold a term. This is the same Lucene BM25
(idf = ln(1 + (N - df + 0.5) / (df + 0.5))) as a sparse matrix, for the study only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

Ranking = list[tuple[int, float]]


class StudyIndex:
    def __init__(self, chunk_ids: Sequence[int], terms: Sequence[Sequence[str]]) -> None:
        """`terms[i]` are the keyword terms of chunk `chunk_ids[i]`, as stored."""
        self.ids = np.asarray(chunk_ids, dtype=np.int64)
        self.vocab: dict[str, int] = {}
        rows, cols = [], []
        for row, chunk_terms in enumerate(terms):
            for term in chunk_terms:
                rows.append(row)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
        shape = (len(self.ids), max(len(self.vocab), 1))
        ones = np.ones(len(rows), dtype=np.float64)
        self.tf = sp.csr_matrix((ones, (rows, cols)), shape=shape)  # duplicates summed
        self.tf.sum_duplicates()
        self.lengths = np.asarray(self.tf.sum(axis=1)).ravel()
        self.df = np.bincount(self.tf.indices, minlength=shape[1])
        self._columns: dict[tuple[float, float], sp.csc_matrix] = {}
        self._holders = self.tf.tocsc()

    def scores(self, k1: float, b: float) -> sp.csc_matrix:
        """Each (chunk, term)'s BM25 contribution, by columns (one per term)."""
        key = (k1, b)
        if key not in self._columns:
            docs = len(self.ids)
            idf = np.log1p((docs - self.df + 0.5) / (self.df + 0.5))
            coo = self.tf.tocoo()
            norm = self.lengths[coo.row] / max(float(self.lengths.mean()), 1e-9)
            tf = coo.data
            value = idf[coo.col] * tf / (tf + k1 * (1 - b + b * norm))
            self._columns[key] = sp.csc_matrix((value, (coo.row, coo.col)), shape=coo.shape)
        return self._columns[key]

    def search(self, weights: dict[str, float], k1: float, b: float, depth: int) -> Ranking:
        """Chunks by the weighted sum of the terms' BM25 contributions, best first."""
        known = [(self.vocab[t], w) for t, w in weights.items() if t in self.vocab]
        if not known:
            return []
        columns = self.scores(k1, b)[:, [t for t, _ in known]]
        total = np.asarray(columns @ np.array([w for _, w in known])).ravel()
        top = np.argsort(-total, kind="stable")[:depth]
        return [(int(self.ids[i]), round(float(total[i]), 5)) for i in top if total[i] > 0]

    def holding(self, term: str) -> set[int]:
        """The chunks whose terms include `term` exactly."""
        column = self.vocab.get(term)
        if column is None:
            return set()
        start, end = self._holders.indptr[column], self._holders.indptr[column + 1]
        return {int(self.ids[r]) for r in self._holders.indices[start:end]}

    def row_terms(self, chunk_id: int, position: dict[int, int]) -> Counter[int]:
        row = self.tf.getrow(position[chunk_id])
        return Counter(dict(zip(row.indices.tolist(), row.data.tolist(), strict=True)))


def query_weights(terms: Sequence[str]) -> dict[str, float]:
    """A bag of query terms as weights (a repeated term counts again, as bm25s does)."""
    return {t: float(n) for t, n in Counter(terms).items()}


def rm3(
    index: StudyIndex,
    query: dict[str, float],
    first: Ranking,
    docs: int = 10,
    terms: int = 10,
    keep: float = 0.5,
) -> dict[str, float]:
    """RM3: the query mixed with the terms most likely in its top `docs` chunks, each chunk
    weighted by its share of their scores. `keep` is the original query's share."""
    top = first[:docs]
    total = sum(score for _, score in top)
    if not top or total <= 0:
        return query
    position = {int(c): i for i, c in enumerate(index.ids)}
    model: dict[int, float] = {}
    for chunk_id, score in top:
        counts = index.row_terms(chunk_id, position)
        length = sum(counts.values()) or 1
        for term, count in counts.items():
            model[term] = model.get(term, 0.0) + score / total * count / length
    names = {i: t for t, i in index.vocab.items()}
    expansion = dict(sorted(model.items(), key=lambda pair: -pair[1])[:terms])
    mass = sum(expansion.values()) or 1.0
    given = sum(query.values()) or 1.0
    mixed = {t: keep * w / given for t, w in query.items()}
    for term, weight in expansion.items():
        name = names[term]
        mixed[name] = mixed.get(name, 0.0) + (1 - keep) * weight / mass
    return mixed
