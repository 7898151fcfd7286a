from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from indexer.adapters.hf_tokenizer import HuggingFaceTokenizer
from indexer.adapters.lazy_embedder import LazyEmbedder
from indexer.adapters.onnx_embedder import OnnxEmbedder, length_batches
from indexer.adapters.onnx_export import cache_key, onnx_model
from indexer.bootstrap import build
from indexer.config import DEFAULT_MODEL, Settings
from indexer.ingest import load_source
from indexer.ports import Embedder, TokenIds, Tokenizer
from indexer.text.chunking import ChunkingConfig, chunk_article
from search_api.app import create_app
from tests.builders import EXAMPLES, ROOT

pytestmark = pytest.mark.integration

ARTICLES = sorted((EXAMPLES / "articles").glob("*.md"))


def embedder(model_dir: Path, onnx_dir: Path, quantized: bool = False) -> OnnxEmbedder:
    path = onnx_model(model_dir, onnx_dir, DEFAULT_MODEL, quantized=quantized)
    return OnnxEmbedder(path, model_dir, DEFAULT_MODEL, max_length=256, batch_size=8)


def varied_texts(tokenizer: Tokenizer) -> list[str]:
    """Article paragraphs of every length, a whole article past the 256-token limit, and
    odd inputs: a query, code, accents, emoji, empty."""
    paragraphs = [p for path in ARTICLES[:6] for p in path.read_text().split("\n\n")]
    prose = sorted({p for p in paragraphs if len(p) > 30}, key=len)
    picked = prose[:: max(1, len(prose) // 14)][:14]
    whole = ARTICLES[0].read_text()
    assert tokenizer.count(whole) > 256
    return [
        *picked,
        whole,
        "celery retries",
        "def retry(task, countdown=2 ** attempt): raise task.retry(exc=exc)",
        "Café déjà vu — naïve façade, Straße",
        "deploy on Friday? 🚀🔥",
        "   padded with spaces   ",
        "",
    ]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1))


def test_onnx_vectors_match_sentence_transformers_and_int8_stays_close(
    torch_model: Embedder, real_model: tuple[Embedder, Tokenizer], model_dir: Path, onnx_dir: Path
) -> None:
    torch_embedder, tokenizer = torch_model, real_model[1]
    texts = varied_texts(tokenizer)
    expected = torch_embedder.embed(texts)

    fp32 = embedder(model_dir, onnx_dir).embed(texts)
    int8 = embedder(model_dir, onnx_dir, quantized=True).embed(texts)

    assert fp32.shape == int8.shape == (len(texts), 384)
    assert fp32.dtype == int8.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(fp32, axis=1), 1.0, atol=1e-5)
    fp32_cos, int8_cos = cosines(fp32, expected), cosines(int8, expected)
    assert fp32_cos.min() >= 0.999, list(zip(fp32_cos, texts, strict=True))
    # Not for the empty text: [CLS] and [SEP] alone leave no tokens to average the
    # quantisation error out (0.97 there).
    assert int8_cos[:-1].min() >= 0.98, list(zip(int8_cos, texts, strict=True))
    assert texts[-1] == ""


def test_batches_sorted_by_length_come_back_in_input_order(model_dir: Path, onnx_dir: Path) -> None:
    model = embedder(model_dir, onnx_dir)
    texts = ["a much longer sentence about celery retries and backoff", "short", "mid length"]

    together = model.embed(texts)
    alone = np.vstack([model.embed([t]) for t in texts])

    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert model.embed([]).shape == (0, 384)


def test_batches_spread_over_threads_give_the_vectors_one_thread_gives(
    model_dir: Path, onnx_dir: Path, real_model: tuple[Embedder, Tokenizer]
) -> None:
    """Two threads run whole batches side by side on the one session; every vector must still
    land in its text's row, as when one thread runs the batches in turn."""
    texts = varied_texts(real_model[1])
    path = onnx_model(model_dir, onnx_dir, DEFAULT_MODEL)

    def run(threads: int) -> np.ndarray:
        model = OnnxEmbedder(
            path, model_dir, DEFAULT_MODEL, max_length=256, batch_size=2, threads=threads
        )
        return model.embed(texts)

    lengths = [len(real_model[1].encode(t)) for t in texts]
    assert len(length_batches(lengths, 2, 512)) > 4  # the threads share many batches
    np.testing.assert_allclose(run(2), run(1), atol=1e-5)


def test_the_chunkers_token_ids_give_the_vectors_the_texts_give(
    model_dir: Path, onnx_dir: Path, real_model: tuple[Embedder, Tokenizer]
) -> None:
    """Indexing hands the embedder the ids the chunker already made: they must be exactly
    what the embedder would have made itself, and ids from another tokenizer are ignored."""
    tokenizer = real_model[1]
    articles = load_source(EXAMPLES / "articles").articles[:4]
    chunks = [c for a in articles for c in chunk_article(a, tokenizer, ChunkingConfig())]
    assert len(chunks) > 20 and all(len(c.token_ids) == c.token_count for c in chunks)
    model = embedder(model_dir, onnx_dir, quantized=True)
    texts = [c.embed_text for c in chunks]
    ids = [c.token_ids for c in chunks]

    from_text = model.embed(texts)
    from_ids = model.embed(texts, TokenIds(tokenizer.fingerprint, ids))
    foreign = model.embed(texts, TokenIds("another-tokenizer", [[1, 2, 3]] * len(texts)))

    np.testing.assert_array_equal(from_ids, from_text)
    np.testing.assert_array_equal(foreign, from_text)
    with pytest.raises(ValueError, match="token id lists for"):
        model.embed(texts, TokenIds(tokenizer.fingerprint, ids[:-1]))


def test_a_second_load_reuses_the_exported_files(model_dir: Path, onnx_dir: Path) -> None:
    files = sorted(onnx_dir.glob("*/*.onnx"))
    assert [f.name for f in files] == ["model-int8-matmul.onnx", "model.onnx"]
    before = [(f.stat().st_ino, f.stat().st_mtime_ns) for f in files]

    onnx_model(model_dir, onnx_dir, DEFAULT_MODEL, quantized=True)

    assert [(f.stat().st_ino, f.stat().st_mtime_ns) for f in files] == before
    assert not list(onnx_dir.glob("*/.*.tmp"))  # no temporary file left behind


def test_changed_weights_change_the_cache_key(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights v1")
    first = cache_key(model)
    (model / "model.safetensors").write_bytes(b"weights v2")

    assert cache_key(model) != first
    assert len(first) == 16


def test_the_serving_process_never_imports_torch_even_when_it_exports(tmp_path: Path) -> None:
    """The first load exports in a child process, so the process that serves queries stays
    free of torch's memory from the start, not only once the cache is warm."""
    empty_cache = tmp_path / "onnx"
    script = (
        "import sys\n"
        "from indexer.bootstrap import load_model\n"
        "from indexer.config import Settings\n"
        f"s = Settings(embed_backend='onnx', onnx_cache_dir={str(empty_cache)!r}, _env_file=None)\n"
        "embedder, _ = load_model(s)\n"
        "assert embedder.embed(['a query']).shape == (1, 384)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert [f.name for f in empty_cache.glob("*/*.onnx")] == ["model.onnx"]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Three sample articles, one of them about retrying Celery tasks."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for slug in ("celery-retries-2022", "docker-for-real-teams", "maintainable-mongodb"):
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", folder)
    return folder


def test_onnx_settings_build_services_that_search_the_sample(
    tmp_path: Path, onnx_dir: Path, source: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", embed_backend="onnx", onnx_cache_dir=onnx_dir, _env_file=None
    )  # type: ignore[call-arg]
    services = build(settings)
    assert isinstance(services.tokenizer, HuggingFaceTokenizer)
    services.indexing.sync_source(source)
    page = services.search.search("retrying tasks with exponential backoff", k=3, mode="dense")

    assert [r.article_id for r in page.results][0] == "celery-retries-2022"
    assert len(page.results) == 3


def test_int8_queries_search_fp32_passages_and_a_reader_never_loads_the_passage_model(
    tmp_path: Path, onnx_dir: Path, source: Path
) -> None:
    common = {
        "data_dir": tmp_path / "data",
        "embed_backend": "onnx",
        "onnx_cache_dir": onnx_dir,
        "_env_file": None,
    }
    build(Settings(**common)).indexing.sync_source(source)  # type: ignore[arg-type]

    split = Settings(query_backend="onnx-int8", **common)  # type: ignore[arg-type]
    reader = build(split)  # what an API process builds
    app = create_app(services=reader)
    with TestClient(app) as client:  # starts up, warms the query model, serves a search
        found = client.get("/search", params={"q": "retrying tasks with backoff", "mode": "dense"})
    assert found.status_code == 200
    assert found.json()["results"][0]["article_id"] == "celery-retries-2022"
    assert isinstance(reader.embedder, LazyEmbedder) and not reader.embedder.loaded

    fp32 = build(Settings(**common)).query_embedder  # type: ignore[arg-type]
    texts = ["retrying tasks with backoff", "how do I keep a MongoDB schema maintainable"]
    int8_rows, fp32_rows = reader.query_embedder.embed(texts), fp32.embed(texts)
    assert not np.allclose(int8_rows, fp32_rows)  # the queries really ran on the int8 model
    assert cosines(int8_rows, fp32_rows).min() > 0.95
