"""The vector backend: how an empty vector index is made and a saved one opened.

FAISS by default: exact search, switching to an HNSW graph once a snapshot holds
`ann_min_vectors` vectors. The evals that measure that choice build their arms here too, so
they never import the adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.config import Settings
from indexer.ports import VectorIndex


@dataclass(frozen=True)
class VectorBackend:
    empty: Callable[[int], VectorIndex]
    load: Callable[[Path], VectorIndex]
    # How a reader, which never changes what it loaded, opens a snapshot (default: `load`).
    read: Callable[[Path], VectorIndex] | None = None


def faiss_backend(
    settings: Settings,
    *,
    exact: bool = False,
    ef_search: int | None = None,
    ef_construction: int | None = None,
) -> VectorBackend:
    """FAISS with the HNSW settings of `settings`; `exact`: never build the graph.
    `ef_search` and `ef_construction` override the configured and the built-in effort."""
    from indexer.adapters.faiss_index import AnnConfig, FaissVectorIndex

    ann: AnnConfig | None = None
    if not exact:
        ann = AnnConfig(
            settings.ann_min_vectors,
            settings.hnsw_m,
            settings.hnsw_ef_search if ef_search is None else ef_search,
        )
        if ef_construction is not None:
            ann = AnnConfig(ann.min_vectors, ann.m, ann.ef_search, ef_construction)
    return VectorBackend(
        empty=lambda dimension: FaissVectorIndex(dimension, ann),
        load=lambda path: FaissVectorIndex.load(str(path), ann),
        read=lambda path: FaissVectorIndex.load(str(path), ann, mapped=True),
    )


def default_ef_construction() -> int:
    """The HNSW build effort `faiss_backend` uses unless told (for the evals' reports)."""
    from indexer.adapters.faiss_index import AnnConfig

    return AnnConfig.ef_construction
