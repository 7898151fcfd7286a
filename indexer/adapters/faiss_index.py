"""VectorIndex port over FAISS: exact search for small corpora, an HNSW graph for large ones.

Rows live at positions 0..n-1 of one FAISS index (`IndexFlatIP`, or `IndexHNSWFlat`, whose
graph holds the only copy of the vectors), and `_ids[position]` names the chunk. FAISS's HNSW
cannot delete, so removing a chunk turns its position into a tombstone (-1) that a bitmap
selector hides from every search; the graph still routes through it, which keeps recall.
Past a share of tombstones, or when the size crosses the threshold, the index is rebuilt from
its live rows. Vectors are L2-normalised, so the inner product is the cosine similarity.

On disk: the FAISS index at `path` and the position -> id array beside it (`path` + ".ids.npy"),
both in the snapshot directory and so both covered by its checksummed manifest. A file written
before this layout (an `IndexIDMap2`) still loads.

Readers load a snapshot `mapped`: FAISS maps the file instead of reading it, so loading costs
milliseconds, pages come in as searches touch them, and an API process switching snapshots
does not hold two private copies of every vector (at 100k chunks, 178 MB each). Snapshot files
are never rewritten in place, which is what makes the mapping safe; a mapped index is
read-only, and a writer loads its own private copy.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass

import faiss
import numpy as np
import numpy.typing as npt

from indexer.errors import CorruptSnapshot, NoSpaceLeft
from indexer.ports import Vectors

IDS_SUFFIX = ".ids.npy"
TOMBSTONE = -1
# Rebuild once this share of positions are tombstones: search cost and recall both degrade
# slowly with dead nodes, and a rebuild at 100k costs seconds, so not on every delete.
MAX_TOMBSTONES = 0.15
# Back to exact search only below this share of the threshold, so a corpus that hovers around
# it does not pay a graph build on every commit that crosses it upwards.
DOWNGRADE_AT = 0.9

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True)
class AnnConfig:
    """When to search an HNSW graph instead of every vector, and how the graph is built."""

    min_vectors: int = 50_000
    m: int = 32
    ef_search: int = 128
    ef_construction: int = 64


class FaissVectorIndex:
    def __init__(self, dimension: int, ann: AnnConfig | None = None) -> None:
        """An empty index. Without `ann`, search stays exact at any size."""
        self.dimension = dimension
        self._ann = ann
        self._index: faiss.Index = faiss.IndexFlatIP(dimension)
        self._ids: Ids = np.zeros(0, dtype=np.int64)
        self._where: dict[int, int] = {}
        self._selector: faiss.IDSelector | None = None
        self._bitmap: npt.NDArray[np.uint8] | None = None
        self._mapped = False

    @classmethod
    def load(
        cls, path: str, ann: AnnConfig | None = None, mapped: bool = False
    ) -> FaissVectorIndex:
        """The index saved at `path`; `mapped`: search it in place, read-only (see above)."""
        try:
            index = faiss.read_index(path, faiss.IO_FLAG_MMAP_IFC if mapped else 0)
            if isinstance(index, faiss.IndexIDMap2):  # the single-file layout of old snapshots
                ids = faiss.vector_to_array(index.id_map).astype(np.int64)
                index, mapped = _owned(faiss.downcast_index(index.index)), False
            else:
                ids = np.load(path + IDS_SUFFIX, allow_pickle=False).astype(np.int64)
        except (RuntimeError, OSError, ValueError) as exc:
            raise CorruptSnapshot(f"cannot read vector index {path}: {exc}") from exc
        if ids.shape != (index.ntotal,):
            raise CorruptSnapshot(f"{path}: {index.ntotal} vectors but {ids.shape} ids")
        loaded = cls(index.d, ann)
        loaded._install(index, ids)
        loaded._mapped = mapped
        return loaded

    @property
    def is_approximate(self) -> bool:
        return isinstance(self._index, faiss.IndexHNSW)

    def add(self, ids: Sequence[int], vectors: Vectors) -> None:
        self._check_writable()
        if len(ids) == 0:
            return
        if vectors.shape != (len(ids), self.dimension):
            raise ValueError(
                f"expected {len(ids)} vectors of {self.dimension}, got {vectors.shape}"
            )
        new = np.asarray(ids, dtype=np.int64)
        clash = [int(i) for i in new if int(i) in self._where]
        if clash or len(set(new.tolist())) != len(new):
            raise ValueError(f"ids added twice: {clash or sorted(new.tolist())[:10]}")
        start = len(self._ids)
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self._ids = np.concatenate([self._ids, new])
        self._where.update(zip(new.tolist(), range(start, start + len(new)), strict=True))
        self._settle()

    def remove(self, ids: Sequence[int]) -> None:
        self._check_writable()
        positions = [p for p in (self._where.pop(int(i), None) for i in ids) if p is not None]
        if not positions:
            return
        self._ids[positions] = TOMBSTONE
        self._settle()

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        k = min(k, len(self._where))
        if k <= 0:
            return []
        scores, positions = self._index.search(
            np.ascontiguousarray(query, dtype=np.float32), k, params=self._params(k)
        )
        found = positions[0] >= 0
        # Converted as whole arrays: numpy scalars one at a time were a visible share of a query.
        return list(
            zip(
                self._ids[positions[0][found]].tolist(),
                scores[0][found].tolist(),
                strict=True,
            )
        )

    def ids(self) -> set[int]:
        return set(self._where)

    def vectors(self, ids: Sequence[int]) -> Vectors:
        """Stored vectors for `ids` (each must be present), e.g. to average an article."""
        positions = np.array([self._where[int(i)] for i in ids], dtype=np.int64)
        return self._index.reconstruct_batch(positions).astype(np.float32)

    def __len__(self) -> int:
        return len(self._where)

    def save(self, path: str) -> None:
        try:
            faiss.write_index(self._index, path)
        except RuntimeError as exc:
            # FAISS reports a short write as a RuntimeError quoting strerror, not an OSError.
            if os.strerror(errno.ENOSPC) in str(exc):
                raise NoSpaceLeft.writing(path) from exc
            raise
        with open(path + IDS_SUFFIX, "wb") as handle:
            np.save(handle, self._ids, allow_pickle=False)

    def _check_writable(self) -> None:
        if self._mapped:
            raise RuntimeError("a mapped vector index is read-only: load it unmapped to change it")

    def _install(self, index: faiss.Index, ids: Ids) -> None:
        self._index = index
        self._ids = ids
        live = np.flatnonzero(ids != TOMBSTONE)
        self._where = dict(zip(ids[live].tolist(), live.tolist(), strict=True))
        if self._ann is not None and isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = self._ann.ef_search
        self._refresh_selector()

    def _settle(self) -> None:
        """Pick exact or approximate search for the current size; drop tombstones when many."""
        live, total = len(self._where), len(self._ids)
        ann = self._ann
        if ann is not None and not self.is_approximate and live >= ann.min_vectors:
            self._rebuild(approximate=True)
        elif self.is_approximate and (ann is None or live < ann.min_vectors * DOWNGRADE_AT):
            self._rebuild(approximate=False)
        elif total - live > MAX_TOMBSTONES * total:
            self._rebuild(approximate=self.is_approximate)
        else:
            self._refresh_selector()

    def _rebuild(self, approximate: bool) -> None:
        live = np.flatnonzero(self._ids != TOMBSTONE)
        vectors = self._index.reconstruct_batch(live) if len(live) else None
        ids = self._ids[live]
        # Drop the old index before building the new one: two copies of the vectors at most.
        self._index = faiss.IndexFlatIP(self.dimension)
        index = self._new_index(approximate)
        if vectors is not None:
            index.add(vectors)
        del vectors
        self._install(index, ids)

    def _new_index(self, approximate: bool) -> faiss.Index:
        if not approximate or self._ann is None:
            return faiss.IndexFlatIP(self.dimension)
        index = faiss.IndexHNSWFlat(self.dimension, self._ann.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self._ann.ef_construction
        index.hnsw.efSearch = self._ann.ef_search
        return index

    def _refresh_selector(self) -> None:
        """A bitmap of live positions, or none when nothing is dead (the fast path)."""
        if len(self._where) == len(self._ids):
            self._selector = self._bitmap = None
            return
        # Kept on self: FAISS reads the bitmap through a raw pointer at search time.
        self._bitmap = np.packbits(self._ids != TOMBSTONE, bitorder="little")
        self._selector = faiss.IDSelectorBitmap(len(self._ids), faiss.swig_ptr(self._bitmap))

    def _params(self, k: int) -> faiss.SearchParameters | None:
        params: faiss.SearchParameters
        if isinstance(self._index, faiss.IndexHNSW):
            hnsw = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # not in stubs
            # HNSW returns at most efSearch results; deep pages ask for more than the default.
            hnsw.efSearch = max(self._index.hnsw.efSearch, k)
            params = hnsw
        elif self._selector is not None:
            params = faiss.SearchParameters()
        else:
            return None
        if self._selector is not None:
            params.sel = self._selector
        return params


def _owned(index: faiss.Index) -> faiss.Index:
    """A copy in memory of its own: FAISS's clone of a mapped index still views the file (and
    aborts the process when asked to grow)."""
    return faiss.deserialize_index(faiss.serialize_index(index))
