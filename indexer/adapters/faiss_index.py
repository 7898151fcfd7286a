"""VectorIndex port over FAISS: exact inner product behind an id map."""

from __future__ import annotations

from collections.abc import Sequence

import faiss
import numpy as np

from indexer.errors import CorruptSnapshot
from indexer.ports import Vectors


class FaissVectorIndex:
    """`IndexIDMap2(IndexFlatIP)`: ids are chunk ids, vectors are L2-normalised, so the inner
    product is the cosine similarity."""

    def __init__(self, dimension: int, index: faiss.Index | None = None) -> None:
        self.dimension = dimension
        self._index = (
            index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        )

    @classmethod
    def load(cls, path: str) -> FaissVectorIndex:
        try:
            index = faiss.read_index(path)
        except RuntimeError as exc:
            raise CorruptSnapshot(f"cannot read vector index {path}: {exc}") from exc
        return cls(index.d, index)

    def add(self, ids: Sequence[int], vectors: Vectors) -> None:
        if len(ids) == 0:
            return
        if vectors.shape != (len(ids), self.dimension):
            raise ValueError(
                f"expected {len(ids)} vectors of {self.dimension}, got {vectors.shape}"
            )
        self._index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids) == 0:
            return
        self._index.remove_ids(np.asarray(ids, dtype=np.int64))  # type: ignore[arg-type]

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        total = self._index.ntotal
        if total == 0 or k <= 0:
            return []
        scores, ids = self._index.search(
            np.ascontiguousarray(query, dtype=np.float32), min(k, total)
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def ids(self) -> set[int]:
        id_map = self._index.id_map  # type: ignore[attr-defined]
        return {int(i) for i in faiss.vector_to_array(id_map)}

    def vectors(self, ids: Sequence[int]) -> Vectors:
        """Stored vectors for `ids` (each must be present), e.g. to average an article."""
        return np.vstack([self._index.reconstruct(int(i)) for i in ids]).astype(np.float32)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def copy(self) -> FaissVectorIndex:
        return FaissVectorIndex(self.dimension, faiss.clone_index(self._index))

    def save(self, path: str) -> None:
        faiss.write_index(self._index, path)
