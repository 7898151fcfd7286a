"""One contract for every VectorIndex: the in-memory fake the fast tests use, and FAISS exact and
HNSW (its graph built from eight vectors on, so these small sets exercise it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from indexer.adapters.faiss_index import AnnConfig, FaissVectorIndex
from indexer.ports import VectorIndex, Vectors
from tests.fakes import InMemoryVectorIndex

DIM = 16
SMALL_GRAPH = AnnConfig(min_vectors=8, m=8, ef_search=64, ef_construction=40)


@dataclass(frozen=True)
class Backend:
    empty: Callable[[int], VectorIndex]
    load: Callable[[Path], VectorIndex]


def _faiss(ann: AnnConfig | None) -> Backend:
    return Backend(
        empty=lambda dimension: FaissVectorIndex(dimension, ann),
        load=lambda path: FaissVectorIndex.load(str(path), ann),
    )


BACKENDS = {
    "in-memory": Backend(empty=InMemoryVectorIndex, load=InMemoryVectorIndex.load),
    "faiss-exact": _faiss(None),
    "faiss-hnsw": _faiss(SMALL_GRAPH),
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    return BACKENDS[str(request.param)]


def unit_rows(count: int, seed: int = 7) -> Vectors:
    rows = np.random.default_rng(seed).standard_normal((count, DIM)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


IDS = list(range(1000, 1060))
ROWS = unit_rows(len(IDS))
QUERIES = unit_rows(5, seed=11)


def filled(backend: Backend) -> VectorIndex:
    index = backend.empty(DIM)
    index.add(IDS, ROWS)
    return index


def best(query: Vectors, ids: list[int], k: int) -> list[int]:
    """The k ids of `ids` with the highest inner product with `query`, computed by hand."""
    scores = ROWS[[IDS.index(i) for i in ids]] @ query
    return [ids[p] for p in np.argsort(-scores, kind="stable")[:k]]


def test_search_returns_the_best_ids_first_with_their_inner_products(backend: Backend) -> None:
    index = filled(backend)
    for query in QUERIES:
        found = index.search(query.reshape(1, -1), 10)
        assert [i for i, _ in found] == best(query, IDS, 10)
        scores = [score for _, score in found]
        assert scores == sorted(scores, reverse=True)
        expected = [float(ROWS[IDS.index(i)] @ query) for i, _ in found]
        np.testing.assert_allclose(scores, expected, atol=1e-5)


def test_removed_ids_never_come_back(backend: Backend) -> None:
    index = filled(backend)
    query = QUERIES[0].reshape(1, -1)
    top = [i for i, _ in index.search(query, 3)]
    # A few removals leave holes; many at once make FAISS rebuild: both must hide them.
    for removed in (top, IDS[10:30]):
        index.remove(removed)
        kept = [i for i in IDS if i in index.ids()]
        assert not set(removed) & index.ids() and len(index) == len(kept)
        found = [i for i, _ in index.search(query, len(IDS))]
        assert sorted(found) == kept
        assert found[:5] == best(QUERIES[0], kept, 5)


def test_an_id_removed_and_added_again_is_found_by_its_new_vector(backend: Backend) -> None:
    index = filled(backend)
    index.remove([1005])
    index.add([1005], QUERIES[2].reshape(1, -1))
    (first, score), *_ = index.search(QUERIES[2].reshape(1, -1), 3)
    assert first == 1005 and score == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(index.vectors([1005])[0], QUERIES[2], atol=1e-6)


def test_asking_for_more_than_the_index_holds_returns_each_id_once(backend: Backend) -> None:
    empty = backend.empty(DIM)
    query = QUERIES[0].reshape(1, -1)
    assert empty.search(query, 5) == [] and len(empty) == 0 and empty.ids() == set()
    index = filled(backend)
    found = [i for i, _ in index.search(query, 500)]
    assert sorted(found) == IDS
    assert index.search(query, 0) == []


def test_stored_vectors_come_back_in_the_order_asked(backend: Backend) -> None:
    index = filled(backend)
    rows = index.vectors([1042, 1003, 1017])
    assert rows.dtype == np.float32
    np.testing.assert_allclose(rows, ROWS[[42, 3, 17]], atol=1e-6)


def test_an_id_added_twice_is_refused_and_the_index_left_as_it_was(backend: Backend) -> None:
    index = filled(backend)
    extra = unit_rows(2, seed=3)
    with pytest.raises(ValueError):
        index.add([2000, 1001], extra)
    with pytest.raises(ValueError):
        index.add([2001, 2001], extra)
    assert index.ids() == set(IDS)
    np.testing.assert_allclose(index.vectors([1001])[0], ROWS[1], atol=1e-6)


def test_rows_of_another_shape_are_refused(backend: Backend) -> None:
    index = backend.empty(DIM)
    with pytest.raises(ValueError):
        index.add([1, 2], unit_rows(2)[:, :8])
    with pytest.raises(ValueError):
        index.add([1, 2], unit_rows(3))
    index.add([], np.zeros((0, DIM), np.float32))
    assert len(index) == 0


def test_removing_an_id_the_index_lacks_changes_nothing(backend: Backend) -> None:
    index = filled(backend)
    index.remove([5, 99999])
    assert index.ids() == set(IDS)
    assert [i for i, _ in index.search(QUERIES[1].reshape(1, -1), 4)] == best(QUERIES[1], IDS, 4)


def test_an_index_saved_and_loaded_holds_and_finds_the_same(
    backend: Backend, tmp_path: Path
) -> None:
    index = filled(backend)
    index.remove(IDS[:4])
    path = tmp_path / "vectors.index"
    index.save(str(path))
    loaded = backend.load(path)
    assert loaded.ids() == index.ids() and len(loaded) == len(index)
    for query in QUERIES:
        assert loaded.search(query.reshape(1, -1), 8) == index.search(query.reshape(1, -1), 8)
    np.testing.assert_allclose(loaded.vectors(IDS[4:9]), ROWS[4:9], atol=1e-6)
