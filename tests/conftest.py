from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.bootstrap import Services, VectorBackend, build
from indexer.config import Settings
from tests.fakes import FakeEmbedder, FakeTokenizer, InMemoryVectorIndex

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_services(settings: Settings, fake_embedder: FakeEmbedder) -> Services:
    """Services with fakes at the model ports; SQLite, snapshots and BM25 are real (and fast)."""
    return build(
        settings,
        embedder=fake_embedder,
        tokenizer=FakeTokenizer(),
        vectors=VectorBackend(empty=InMemoryVectorIndex, load=InMemoryVectorIndex.load),
    )


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis, emptied for the session (a database of its own on a shared server)."""
    import redis

    from tests.services import redis_server

    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        redis.Redis.from_url(url).flushdb()
        yield url
