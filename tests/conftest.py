from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.bootstrap import Services
from indexer.config import Settings
from tests.builders import EXAMPLES, ROOT, fake_model_services
from tests.fakes import FakeEmbedder

__all__ = ["EXAMPLES", "ROOT"]  # where older test modules looked for them: use tests.builders
# Suites that only use fakes or the tokenizer: they never need the ONNX export.
_MODEL_FREE = {"unit", "property"}


@pytest.fixture(scope="session", autouse=True)
def onnx_dir(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """One ONNX export (fp32 and int8) for the whole session, in the environment of every
    test and subprocess, so none writes to the user's cache or exports it again. Exported
    up front when any selected test may embed: processes started together would otherwise
    each export it at once."""
    given = os.environ.get("FOOTNOTE_ONNX_CACHE_DIR")
    cache = Path(given) if given else tmp_path_factory.mktemp("onnx")
    os.environ["FOOTNOTE_ONNX_CACHE_DIR"] = str(cache)
    tests = Path(__file__).resolve().parent
    suites = {Path(item.path).relative_to(tests).parts[0] for item in request.session.items}
    if suites - _MODEL_FREE:
        from indexer.adapters.onnx_export import onnx_model
        from indexer.bootstrap import resolve_model_dir
        from indexer.config import DEFAULT_MODEL

        model_dir = resolve_model_dir(Settings(_env_file=None))  # type: ignore[call-arg]
        onnx_model(model_dir, cache, DEFAULT_MODEL, quantized=True)
    return cache


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
