"""The FAISS adapter switches to an HNSW graph from a size on; results must stay correct.

Small clustered vectors (like real embeddings: topics with many near neighbours) and a low
threshold keep this fast while exercising the same code paths as 100k chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest

from indexer.adapters.faiss_index import IDS_SUFFIX, AnnConfig, FaissVectorIndex
from indexer.bootstrap import open_index
from indexer.config import Settings
from indexer.errors import CorruptSnapshot
from indexer.index.consistency import check_index
from indexer.model import Article
from tests.builders import faiss_services

DIM = 48
Data = tuple[np.ndarray, np.ndarray]
ANN = AnnConfig(min_vectors=500, m=16, ef_search=64, ef_construction=40)


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    # Builds of a few thousand vectors are slower on two OpenMP threads on a busy machine.
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)


def unit_rows(rng: np.random.Generator, count: int, centres: np.ndarray) -> np.ndarray:
    picked = centres[rng.integers(0, len(centres), count)]
    rows = picked + 0.35 * rng.standard_normal((count, DIM)) / np.sqrt(DIM)
    unit: np.ndarray = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    return unit


@pytest.fixture(scope="module")
def data() -> Data:
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((40, DIM))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return unit_rows(rng, 2000, centres), unit_rows(rng, 100, centres)


def filled(rows: np.ndarray, ann: AnnConfig | None = ANN, first_id: int = 1000) -> FaissVectorIndex:
    index = FaissVectorIndex(DIM, ann)
    index.add(list(range(first_id, first_id + len(rows))), rows)
    return index


def top_ids(index: FaissVectorIndex, query: np.ndarray, k: int = 10) -> list[int]:
    found = [i for i, _ in index.search(query.reshape(1, -1), k)]
    assert set(found) <= index.ids(), "a search returned an id that is not in the index"
    return found


def recall_at_10(
    approximate: FaissVectorIndex, exact: FaissVectorIndex, queries: np.ndarray
) -> float:
    found = [len(set(top_ids(approximate, q)) & set(top_ids(exact, q))) / 10 for q in queries]
    return float(np.mean(found))


def test_search_is_exact_below_the_threshold_and_approximate_from_it(data: Data) -> None:
    rows, _ = data
    index = filled(rows[:499])
    assert not index.is_approximate
    index.add([5000], rows[499:500])
    assert index.is_approximate
    assert len(index) == 500


def test_approximate_search_finds_95_percent_of_the_exact_top_10(data: Data) -> None:
    rows, queries = data
    approximate, exact = filled(rows), filled(rows, ann=None)
    assert approximate.is_approximate and not exact.is_approximate
    assert recall_at_10(approximate, exact, queries) >= 0.95


def test_removed_ids_are_never_returned_and_tombstones_are_compacted(data: Data) -> None:
    rows, queries = data
    index, exact = filled(rows), filled(rows, ann=None)
    removed: set[int] = set()
    # Three rounds of 5%: the first two leave tombstones, the third forces a rebuild.
    for start in (0, 100, 200):
        batch = list(range(1000 + start, 1100 + start))
        index.remove(batch)
        exact.remove(batch)
        removed |= set(batch)
        assert index.is_approximate
        for i in sorted(removed)[::7]:  # a removed row's own vector would rank it first
            assert not removed & set(top_ids(index, rows[i - 1000], k=50))
        assert recall_at_10(index, exact, queries) >= 0.95
    assert index.ids() == set(range(1000, 3000)) - removed
    assert len(index) == 1700


def test_a_re_added_id_is_found_by_its_new_vector_only(data: Data) -> None:
    rows, _ = data
    index = filled(rows[:1000])
    index.remove([1003])
    index.add([1003], rows[1500:1501])
    [(best, score)] = index.search(rows[1500:1501], 1)
    assert best == 1003 and score == pytest.approx(1.0, abs=1e-5)
    assert 1003 not in top_ids(index, rows[3], k=1)
    np.testing.assert_allclose(index.vectors([1003]), rows[1500:1501])
    assert len(index) == 1000


def test_adding_a_live_id_again_is_refused(data: Data) -> None:
    rows, _ = data
    index = filled(rows[:10])
    with pytest.raises(ValueError, match="added twice"):
        index.add([1004], rows[20:21])


def test_save_and_load_keep_the_graph_the_tombstones_and_the_results(
    data: Data, tmp_path: Path
) -> None:
    rows, queries = data
    index = filled(rows)
    index.remove(list(range(1000, 1150)))
    path = str(tmp_path / "vectors.faiss")
    index.save(path)
    loaded = FaissVectorIndex.load(path, ANN)
    assert loaded.is_approximate
    assert loaded.ids() == index.ids()
    for q in queries[:20]:
        assert top_ids(loaded, q) == top_ids(index, q)
    np.testing.assert_array_equal(loaded.vectors([1999, 2999]), index.vectors([1999, 2999]))


@pytest.mark.parametrize("ann", [ANN, None], ids=["hnsw", "exact"])
def test_a_mapped_index_answers_like_a_loaded_one_and_refuses_changes(
    data: Data, tmp_path: Path, ann: AnnConfig | None
) -> None:
    rows, queries = data
    index = filled(rows, ann)
    index.remove(list(range(1000, 1100)))
    path = str(tmp_path / "vectors.faiss")
    index.save(path)
    mapped = FaissVectorIndex.load(path, ann, mapped=True)
    assert mapped.is_approximate == (ann is not None)
    for q in queries[:20]:
        assert mapped.search(q.reshape(1, -1), 10) == index.search(q.reshape(1, -1), 10)
    np.testing.assert_array_equal(mapped.vectors([1999, 2999]), index.vectors([1999, 2999]))
    with pytest.raises(RuntimeError, match="read-only"):
        mapped.add([9000], rows[:1])
    with pytest.raises(RuntimeError, match="read-only"):
        mapped.remove([1500])
    assert top_ids(mapped, rows[500], k=1) == [1500]  # the refused changes left it as it was


def test_readers_map_snapshots_and_the_writer_does_not(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    services = faiss_services(settings)
    services.indexing.index_article(
        Article(id="a1", title="a1", text="## Part\n\nalpha beta", source_path="t")
    )
    served = services.reader.current().vectors
    with pytest.raises(RuntimeError, match="read-only"):
        served.remove(list(served.ids()))
    checked = open_index(settings).reader.current().vectors  # as `footnote check` reads it
    with pytest.raises(RuntimeError, match="read-only"):
        checked.add([77], np.zeros((1, 8), np.float32))
    # The writer still commits on top of what readers have mapped.
    services.indexing.index_article(
        Article(id="a2", title="a2", text="## Part\n\ngamma delta", source_path="t")
    )
    assert {h.article_id for h in services.search.search("gamma delta", k=5).hits} >= {"a2"}


def test_a_missing_id_file_is_a_corrupt_snapshot(data: Data, tmp_path: Path) -> None:
    rows, _ = data
    path = str(tmp_path / "vectors.faiss")
    filled(rows[:50]).save(path)
    Path(path + IDS_SUFFIX).unlink()
    with pytest.raises(CorruptSnapshot):
        FaissVectorIndex.load(path, ANN)


def test_an_index_saved_as_one_id_mapped_file_still_loads(data: Data, tmp_path: Path) -> None:
    rows, _ = data
    legacy = faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))
    legacy.add_with_ids(rows[:30], np.arange(500, 530, dtype=np.int64))
    path = str(tmp_path / "old.faiss")
    faiss.write_index(legacy, path)
    loaded = FaissVectorIndex.load(path, ANN)
    assert loaded.ids() == set(range(500, 530))
    assert top_ids(loaded, rows[7], k=1) == [507]
    mapped = FaissVectorIndex.load(path, ANN, mapped=True)  # unwrapped into memory of its own
    assert top_ids(mapped, rows[7], k=1) == [507]
    mapped.add([600], rows[40:41])
    assert top_ids(mapped, rows[40], k=1) == [600]


def test_shrinking_well_below_the_threshold_returns_to_exact_search(data: Data) -> None:
    rows, queries = data
    index, exact = filled(rows[:600]), filled(rows[:600], ann=None)
    index.remove(list(range(1000, 1110)))  # 490 left: within the 10% margin
    assert index.is_approximate
    index.remove(list(range(1110, 1200)))  # 400 left
    exact.remove(list(range(1000, 1200)))
    assert not index.is_approximate
    for q in queries[:20]:
        assert index.search(q.reshape(1, -1), 10) == exact.search(q.reshape(1, -1), 10)


def test_the_pipeline_with_an_hnsw_index_passes_the_consistency_check(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None, ann_min_vectors=12, hnsw_m=8)
    services = faiss_services(settings)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi".split()
    for n in range(20):
        text = " ".join(words[(n + j) % len(words)] for j in range(6))
        services.indexing.index_article(
            Article(id=f"a{n}", title=f"a{n}", text=f"## Part\n\n{text} {n}", source_path="t")
        )
    services.indexing.index_article(
        Article(id="a3", title="a3", text="## Part\n\nrewritten omicron", source_path="t")
    )
    services.indexing.remove_article("a4")
    snapshot = services.reader.current()
    assert snapshot.vectors.is_approximate  # type: ignore[attr-defined]
    assert check_index(services.store, services.reader).ok
    files = open_index(settings)
    assert check_index(files.store, files.reader).ok
    hits = services.search.search("rewritten omicron", mode="dense").hits
    assert hits[0].article_id == "a3"
    assert "a4" not in {h.article_id for h in services.search.search("delta", k=50).hits}

    ids_file = services.snapshots.path(snapshot.generation) / ("vectors.faiss" + IDS_SUFFIX)
    ids_file.write_bytes(ids_file.read_bytes()[:-8])
    files = open_index(settings)  # as `footnote check` does, in a fresh process
    assert not check_index(files.store, files.reader).ok
