from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.bootstrap import Services, load_model
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.builders import EXAMPLES, ROOT, fake_model_services
from tests.fakes import FakeEmbedder

__all__ = ["EXAMPLES", "ROOT"]  # where older test modules looked for them: use tests.builders
# Suites that only use fakes or the tokenizer: they never need the ONNX export. Contract tests
# need it only for the real embedder, and those are marked integration.
_MODEL_FREE = {"unit", "property"}
_MODEL_WHEN_MARKED = {"contract"}


@pytest.fixture(scope="session", autouse=True)
def onnx_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """One ONNX export (fp32 and int8) for the whole session, in the environment of every
    test and subprocess, so none writes to the user's cache or exports it again. Exported
    up front when any selected test may embed: processes started together would otherwise
    each export it at once."""
    given = os.environ.get("FOOTNOTE_ONNX_CACHE_DIR")
    cache = Path(given) if given else tmp_path_factory.mktemp("onnx")
    os.environ["FOOTNOTE_ONNX_CACHE_DIR"] = str(cache)
    if any(_may_embed(item) for item in request.session.items):
        from indexer.adapters.onnx_export import onnx_model
        from indexer.bootstrap import resolve_model_dir
        from indexer.config import DEFAULT_MODEL

        model_dir = resolve_model_dir(Settings(_env_file=None))  # type: ignore[call-arg]
        onnx_model(model_dir, cache, DEFAULT_MODEL, quantized=True)
    return cache


def _may_embed(item: pytest.Item) -> bool:
    suite = Path(item.path).relative_to(Path(__file__).resolve().parent).parts[0]
    if suite in _MODEL_WHEN_MARKED:
        return item.get_closest_marker("integration") is not None
    return suite not in _MODEL_FREE


@pytest.fixture(scope="session")
def real_model(onnx_dir: Path) -> tuple[Embedder, Tokenizer]:
    """The bundled all-MiniLM-L6-v2 on the default backend, loaded once for the session (the
    integration suite and the contract tests of the real adapters share it)."""
    embedder, tokenizer = load_model(Settings(_env_file=None))  # type: ignore[call-arg]
    assert embedder is not None
    return embedder, tokenizer


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_services(settings: Settings, fake_embedder: FakeEmbedder) -> Services:
    """Services with fakes at the model ports; SQLite, snapshots and BM25 are real (and fast)."""
    return fake_model_services(settings, embedder=fake_embedder)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis, emptied for the session (a database of its own on a shared server)."""
    import redis

    from tests.services import redis_server

    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        redis.Redis.from_url(url).flushdb()
        yield url
