from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer.bootstrap import Services, build, load_model, resolve_model_dir
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.builders import EXAMPLES
from tests.integration.served_jobs import index_subset

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def torch_model() -> Embedder:
    """The same model on sentence-transformers: the reference the ONNX vectors must match."""
    settings = Settings(embed_backend="torch", _env_file=None)  # type: ignore[call-arg]
    embedder, _ = load_model(settings)
    assert embedder is not None
    return embedder


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return resolve_model_dir(Settings(_env_file=None))  # type: ignore[call-arg]


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


@pytest.fixture(scope="session")
def served_template(
    tmp_path_factory: pytest.TempPathFactory, real_model: tuple[Embedder, Tokenizer]
) -> Path:
    """A few sample articles indexed once; `served_jobs.served` serves a copy of it."""
    return index_subset(tmp_path_factory.mktemp("served-template"), real_model)
