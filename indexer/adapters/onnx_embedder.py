"""Embedder port on ONNX Runtime: the same vectors as sentence-transformers, without torch.

Mean pooling over the attention mask, then L2 normalisation, as the model's sentence-transformers
modules do. The file comes from `onnx_export.onnx_model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Encoding
from tokenizers import Tokenizer as HFTokenizer

from indexer.errors import FootnoteError
from indexer.ports import Vectors


class OnnxEmbedder:
    def __init__(
        self,
        model_path: Path,
        tokenizer_dir: Path,
        name: str,
        *,
        max_length: int,
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        self.name = name
        self._batch_size = batch_size
        self._tokenizer = _tokenizer(tokenizer_dir, max_length)
        # Self-hosted means nothing phones home: recent ORT builds record usage events to
        # ~/.cache/Microsoft/DeveloperTools for upload unless told not to.
        ort.disable_telemetry_events()
        self._session = ort.InferenceSession(
            str(model_path), _session_options(threads), providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        width = self._session.get_outputs()[0].shape[-1]
        if not isinstance(width, int):
            raise FootnoteError(f"{model_path}: the output width is not fixed ({width!r})")
        self.dimension = width

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        # sentence-transformers strips its inputs; tokenising once serves sorting and batching.
        encodings = self._tokenizer.encode_batch([t.strip() for t in texts])
        # Similar lengths side by side: a batch is padded only to its own longest text.
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            out[rows] = self._run([encodings[i] for i in rows])
        return out

    def _run(self, batch: list[Encoding]) -> Vectors:
        width = max(len(e.ids) for e in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, encoding in enumerate(batch):
            n = len(encoding.ids)
            ids[row, :n] = encoding.ids
            mask[row, :n] = encoding.attention_mask
            types[row, :n] = encoding.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        (states,) = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        return _normalise(_mean_pool(states, mask))


def _tokenizer(model_dir: Path, max_length: int) -> HFTokenizer:
    path = model_dir / "tokenizer.json"
    if not path.is_file():
        raise FootnoteError(f"no tokenizer.json in model directory {model_dir}")
    tokenizer = HFTokenizer.from_file(str(path))
    # The bundled tokenizer.json pads everything to 128 and cuts at 128; the model reads
    # max_seq_length tokens (256), special tokens included, as sentence-transformers feeds it.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return tokenizer


def _session_options(threads: int | None) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or 0  # 0: one per physical core
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Idle threads would otherwise spin for a while after each call, taking CPU from the
    # other processes (API, workers) that share the machine.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def _mean_pool(states: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> Vectors:
    weights = mask[:, :, None].astype(np.float32)
    summed = (states * weights).sum(axis=1)
    counts = np.clip(weights.sum(axis=1), 1e-9, None)
    pooled: Vectors = (summed / counts).astype(np.float32)
    return pooled


def _normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Vectors = (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)
    return unit
