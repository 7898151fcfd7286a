from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer.bootstrap import Services, build, load_model, resolve_model_dir
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.conftest import EXAMPLES

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def real_model() -> tuple[Embedder, Tokenizer]:
    """The bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    embedder, tokenizer = load_model(Settings(_env_file=None))  # type: ignore[call-arg]
    assert embedder is not None
    return embedder, tokenizer


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return resolve_model_dir(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Path:
    """One ONNX export (fp32 and int8) for the whole session, shared by every test and
    subprocess that points FOOTNOTE_ONNX_CACHE_DIR at it."""
    from indexer.adapters.onnx_export import onnx_model
    from indexer.config import DEFAULT_MODEL

    cache = tmp_path_factory.mktemp("onnx")
    onnx_model(model_dir, cache, DEFAULT_MODEL, quantized=True)
    return cache


@pytest.fixture
def articles_copy(tmp_path: Path) -> Path:
    target = tmp_path / "articles"
    shutil.copytree(EXAMPLES / "articles", target)
    return target


@pytest.fixture
def real_services(tmp_path: Path, real_model: tuple[Embedder, Tokenizer]) -> Services:
    embedder, tokenizer = real_model
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    return build(settings, embedder=embedder, tokenizer=tokenizer)
