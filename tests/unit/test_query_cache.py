from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from indexer.adapters.redis_query_cache import RedisQueryVectorCache
from indexer.bootstrap import query_embedder
from indexer.config import Settings
from indexer.model import Article
from indexer.ports import Vectors
from indexer.search.query_cache import CachedQueryEmbedder
from tests.builders import fake_model_services
from tests.fakes import FakeEmbedder
from tests.services import free_port


class DictVectorCache:
    """The shared level as a dict, recording what is asked."""

    def __init__(self) -> None:
        self.rows: dict[str, Vectors] = {}
        self.asked: list[str] = []

    def get_many(self, keys: Sequence[str]) -> list[Vectors | None]:
        self.asked.extend(keys)
        return [self.rows.get(k) for k in keys]

    def put_many(self, items: Sequence[tuple[str, Vectors]]) -> None:
        self.rows.update(items)


def test_a_repeated_query_is_embedded_once_and_gets_the_same_vector() -> None:
    fake = FakeEmbedder()
    cached = CachedQueryEmbedder(fake, size=8)

    first = cached.embed(["celery retries"])
    second = cached.embed(["celery retries"])

    assert fake.embedded == 1
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, FakeEmbedder().embed(["celery retries"]))
    assert cached.name == fake.name and cached.dimension == fake.dimension


def test_a_batch_embeds_only_its_misses_and_keeps_the_order() -> None:
    fake = FakeEmbedder()
    cached = CachedQueryEmbedder(fake, size=8)
    cached.embed(["b"])

    rows = cached.embed(["a", "b", "c"])

    assert fake.calls == [["b"], ["a", "c"]]
    np.testing.assert_array_equal(rows, FakeEmbedder().embed(["a", "b", "c"]))
    assert rows.dtype == np.float32


def test_the_least_recently_used_query_is_evicted_first() -> None:
    fake = FakeEmbedder()
    cached = CachedQueryEmbedder(fake, size=2)
    cached.embed(["one"])
    cached.embed(["two"])
    cached.embed(["one"])  # "two" is now the oldest
    cached.embed(["three"])

    cached.embed(["one"])
    assert fake.embedded == 3
    cached.embed(["two"])
    assert fake.embedded == 4
    assert len(cached) == 2


def test_size_zero_keeps_nothing_in_process() -> None:
    fake = FakeEmbedder()
    cached = CachedQueryEmbedder(fake, size=0)

    cached.embed(["same"])
    cached.embed(["same"])

    assert fake.embedded == 2
    assert len(cached) == 0


def test_size_zero_in_settings_searches_with_the_raw_embedder(settings: Settings) -> None:
    fake = FakeEmbedder()
    off = settings.model_copy(update={"query_cache_size": 0})
    assert query_embedder(off, fake) is fake
    assert isinstance(query_embedder(settings, fake), CachedQueryEmbedder)


def test_a_cached_vector_cannot_be_changed_by_a_caller() -> None:
    cached = CachedQueryEmbedder(FakeEmbedder(), size=4)
    rows = cached.embed(["text"])
    rows[0, :] = 0.0

    assert np.linalg.norm(cached.embed(["text"])[0]) == pytest.approx(1.0)


def test_the_shared_level_serves_another_process_and_is_keyed_by_namespace() -> None:
    shared = DictVectorCache()
    writer = CachedQueryEmbedder(FakeEmbedder(), size=4, shared=shared, namespace="m:onnx")
    writer.embed(["query"])

    reader_model = FakeEmbedder()
    reader = CachedQueryEmbedder(reader_model, size=4, shared=shared, namespace="m:onnx")
    other_model = FakeEmbedder()
    other = CachedQueryEmbedder(other_model, size=4, shared=shared, namespace="m:onnx-int8")

    np.testing.assert_array_equal(reader.embed(["query"]), writer.embed(["query"]))
    other.embed(["query"])
    assert reader_model.embedded == 0
    assert other_model.embedded == 1
    assert all(key.startswith("m:onnx:") for key in shared.asked[:1])
    assert "query" not in "".join(shared.rows)  # texts are hashed, not stored


def test_a_wrong_sized_shared_vector_is_a_miss() -> None:
    shared = DictVectorCache()
    fake = FakeEmbedder(dimension=64)
    cached = CachedQueryEmbedder(fake, size=4, shared=shared, namespace="n")
    shared.rows[cached._key("q")] = np.ones(3, dtype=np.float32)

    assert cached.embed(["q"]).shape == (1, 64)
    assert fake.embedded == 1


def test_with_redis_down_the_cache_is_a_miss_and_never_raises() -> None:
    closed = redis.Redis(port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    store = RedisQueryVectorCache(closed, ttl_s=60)
    fake = FakeEmbedder()
    cached = CachedQueryEmbedder(fake, size=0, shared=store, namespace="n")

    rows = cached.embed(["redis is down"])
    cached.embed(["redis is down"])

    np.testing.assert_array_equal(rows, FakeEmbedder().embed(["redis is down"]))
    assert fake.embedded == 2


def test_search_keeps_working_with_redis_down(settings: Settings) -> None:
    down = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    fake = FakeEmbedder()
    services = fake_model_services(down, embedder=fake)
    services.indexing.index_article(
        Article(
            id="a1",
            title="Caches",
            text="Cache stampedes and how to stop them.",
            source_path="a1.md",
        )
    )

    for _ in range(2):
        page = services.search.search("stampedes", k=3, mode="dense")
        assert [r.article_id for r in page.results] == ["a1"]
    assert fake.calls[-1] == ["stampedes"]
    assert len([c for c in fake.calls if c == ["stampedes"]]) == 1  # the in-process level


def test_vectors_round_trip_through_a_real_redis_with_a_ttl(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    store = RedisQueryVectorCache(client, ttl_s=60, prefix="test:qvec")
    vector = FakeEmbedder().embed(["round trip"])[0]

    store.put_many([("k1", vector)])

    got = store.get_many(["k1", "absent"])
    assert got[1] is None
    assert got[0] is not None and got[0].dtype == np.float32
    np.testing.assert_array_equal(got[0], vector)
    assert 0 < client.ttl("test:qvec:k1") <= 60
