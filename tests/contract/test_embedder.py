"""One contract for every Embedder: the hashed bag of words the fast tests use, and the real model
as `indexer.bootstrap.load_model` loads it (ONNX, int8 by default; integration, for its cost)."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.ports import Embedder, TokenIds, Tokenizer
from tests.fakes import FakeEmbedder, FakeTokenizer

TEXTS = [
    "Retry failed Celery tasks with exponential backoff.",
    "Add jitter to every Redis cache TTL.",
    "SELECT FOR UPDATE locks the selected rows.",
    "Café déjà vu, naïve façade",
    "deploy on Friday? 🚀",
    "",
]


@pytest.fixture(params=["fake", pytest.param("onnx", marks=pytest.mark.integration)])
def model(request: pytest.FixtureRequest) -> tuple[Embedder, Tokenizer]:
    """An embedder and the tokenizer whose ids it takes."""
    if request.param == "fake":
        return FakeEmbedder(), FakeTokenizer()
    real: tuple[Embedder, Tokenizer] = request.getfixturevalue("real_model")
    return real


def test_each_text_gets_one_l2_normalised_float32_row(model: tuple[Embedder, Tokenizer]) -> None:
    embedder, _ = model
    rows = embedder.embed(TEXTS)
    assert isinstance(embedder.name, str) and embedder.name
    assert rows.shape == (len(TEXTS), embedder.dimension) and rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


def test_no_texts_give_no_rows(model: tuple[Embedder, Tokenizer]) -> None:
    embedder, _ = model
    assert embedder.embed([]).shape == (0, embedder.dimension)


def test_rows_come_back_in_the_order_of_the_texts(model: tuple[Embedder, Tokenizer]) -> None:
    embedder, _ = model
    together = embedder.embed(TEXTS)
    alone = np.vstack([embedder.embed([text]) for text in TEXTS])
    # Batched rows may differ from single ones a little: int8 scales are set per batch (an
    # empty text, with nothing but [CLS] and [SEP] to average over, moves most).
    similarity = together @ alone.T
    assert list(similarity.argmax(axis=1)) == list(range(len(TEXTS)))
    assert similarity.diagonal().min() >= 0.95


def test_the_same_text_gets_the_same_vector_every_time(model: tuple[Embedder, Tokenizer]) -> None:
    embedder, _ = model
    first = embedder.embed(TEXTS)
    np.testing.assert_allclose(embedder.embed(TEXTS), first, atol=1e-6)
    twice = embedder.embed([TEXTS[0], TEXTS[1], TEXTS[0]])
    np.testing.assert_allclose(twice[2], twice[0], atol=1e-6)


def test_token_ids_from_its_own_tokenizer_give_the_vectors_of_the_texts(
    model: tuple[Embedder, Tokenizer],
) -> None:
    embedder, tokenizer = model
    tokens = TokenIds(tokenizer.fingerprint, [tokenizer.encode(text) for text in TEXTS])
    np.testing.assert_allclose(embedder.embed(TEXTS, tokens), embedder.embed(TEXTS), atol=1e-5)


def test_token_ids_from_another_tokenizer_change_nothing(
    model: tuple[Embedder, Tokenizer],
) -> None:
    embedder, _ = model
    foreign = TokenIds("another-vocabulary", [[7, 7, 7] for _ in TEXTS])
    np.testing.assert_allclose(embedder.embed(TEXTS, foreign), embedder.embed(TEXTS), atol=1e-5)
