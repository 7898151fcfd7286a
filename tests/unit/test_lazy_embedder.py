"""LazyEmbedder: nothing loads until a vector or the dimension is needed, and then once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from indexer.adapters.lazy_embedder import LazyEmbedder
from indexer.config import Settings
from indexer.model import Article
from tests.builders import faiss_services
from tests.fakes import FakeEmbedder


def test_the_model_loads_on_first_use_only_and_once_under_concurrency() -> None:
    loads: list[int] = []

    def load() -> FakeEmbedder:
        loads.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while it loads
        return FakeEmbedder(dimension=16)

    lazy = LazyEmbedder("fake-embedder", load)
    assert lazy.name == "fake-embedder" and not lazy.loaded and loads == []
    rows: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: rows.append(lazy.embed(["a b"]))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1] and lazy.loaded and lazy.dimension == 16
    assert all(np.array_equal(r, rows[0]) for r in rows)


def test_building_services_and_keyword_search_leave_a_lazy_model_unloaded(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    writer = faiss_services(settings)
    writer.indexing.index_article(
        Article(id="a1", title="Retries", text="## Part\n\ncelery retries backoff", source_path="t")
    )

    def refuse() -> FakeEmbedder:
        raise AssertionError("the model was loaded")

    lazy = LazyEmbedder("fake-embedder", refuse)
    reader = faiss_services(settings, embedder=lazy)
    page = reader.search.search("celery retries", mode="bm25")
    assert [r.article_id for r in page.results] == ["a1"]
    assert not lazy.loaded
