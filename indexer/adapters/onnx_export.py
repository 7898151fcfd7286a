"""Export a local sentence-transformers model to ONNX once, and keep it on disk.

The export needs torch; loading the exported file later does not. Files are cached under
`<cache_dir>/<model>-<key>/`, where the key hashes the model directory and its weights, so
changed weights get a fresh export instead of a stale file.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.errors import FootnoteError

if TYPE_CHECKING:
    import torch

FP32_FILE = "model.onnx"
# Named for its recipe: a cache holding an int8 file made another way is not reused.
INT8_FILE = "model-int8-matmul.onnx"
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_OPSET = 17
log = logging.getLogger(__name__)


def onnx_model(model_dir: Path, cache_dir: Path, name: str, *, quantized: bool = False) -> Path:
    """The ONNX file for `model_dir` (dynamically int8-quantised if asked), exported on
    first use. Safe when several processes ask at once: each writes a temporary file and
    renames it into place, so a reader sees no file or a whole one."""
    target = cache_dir / f"{_slug(name)}-{cache_key(model_dir)}"
    fp32 = target / FP32_FILE
    if not fp32.is_file():
        _write_atomically(fp32, lambda tmp: _export_in_child(model_dir, tmp))
    if not quantized:
        return fp32
    int8 = target / INT8_FILE
    if not int8.is_file():
        _write_atomically(int8, lambda tmp: _quantize(fp32, tmp))
    return int8


def cache_key(model_dir: Path) -> str:
    """Short hash of where the model is and what its weights are."""
    weights = next((model_dir / w for w in _WEIGHTS if (model_dir / w).is_file()), None)
    if weights is None:
        raise FootnoteError(f"no weights ({' or '.join(_WEIGHTS)}) in {model_dir}")
    digest = hashlib.sha256(str(model_dir.resolve()).encode())
    with weights.open("rb") as f:
        digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()[:16]


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "model"


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.chmod(0o644)  # mkstemp makes it private; other service users read the cache too
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _export_in_child(model_dir: Path, out: Path) -> None:
    """Export in a separate Python process: the export needs torch, and a server that
    imported it to export once would hold its memory (about 400 MB) for the rest of its life."""
    log.warning("exporting %s to ONNX once, into %s (about 15 s)", model_dir, out.parent)
    done = subprocess.run(
        [sys.executable, "-m", "indexer.adapters.onnx_export", str(model_dir), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise FootnoteError(
            f"exporting {model_dir} to ONNX failed: {' / '.join(detail) or done.returncode} "
            "(set FOOTNOTE_EMBED_BACKEND=torch to embed without ONNX)"
        )


def _export(model_dir: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel

    # Eager attention traces to plain MatMul/Softmax, which ORT fuses and quantises well.
    model = AutoModel.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation="eager"
    ).eval()
    accepted = [n for n in _INPUTS if n in inspect.signature(model.forward).parameters]
    # Only the shape matters to the tracer; batch and sequence axes are declared dynamic.
    example = tuple(torch.ones((2, 16), dtype=torch.long) for _ in accepted)
    axes = {n: {0: "batch", 1: "sequence"} for n in [*accepted, "last_hidden_state"]}
    # The tracer warns about operators it maps on every export; none applies to this model
    # (index values are never negative), and a user exporting once should not see a wall of text.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _hidden_states_module(model, accepted),
            example,
            str(out),
            input_names=accepted,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=_OPSET,
            dynamo=False,
        )


def _quantize(fp32: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Weights become int8, activations are quantised per call: no calibration data needed.
    # One scale per output channel: per tensor, cosine to fp32 fell to 0.91 on real texts.
    # Only the matrix products: left to its defaults, the quantiser also turns the token
    # embedding table (a lookup, no arithmetic to speed up) into int8. SciFact nDCG@10
    # hybrid / dense, all ops: 0.724 / 0.660; MatMul only: 0.731 / 0.659; fp32: 0.730 / 0.659.
    # It logs a pre-processing suggestion (meant for static quantisation) through
    # logging.warning(), which on an unconfigured root logger also installs a console handler
    # for good, and later DEBUG lines of other libraries then reach the user. A placeholder
    # handler and a raised level keep both from happening.
    root = logging.getLogger()
    level, placeholder = root.level, logging.NullHandler()
    root.addHandler(placeholder)
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            str(fp32),
            str(out),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul"],
        )
    finally:
        root.setLevel(level)
        root.removeHandler(placeholder)


def _hidden_states_module(model: Any, inputs: list[str]) -> torch.nn.Module:
    import torch

    class HiddenStates(torch.nn.Module):
        """Calls the model by keyword (its positional order changes between releases) and
        returns only the token states; pooling happens outside, in numpy."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            states: torch.Tensor = self.model(
                **dict(zip(inputs, tensors, strict=True))
            ).last_hidden_state
            return states

    return HiddenStates()


if __name__ == "__main__":
    # The child process of _export_in_child: python -m indexer.adapters.onnx_export MODEL OUT
    _export(Path(sys.argv[1]), Path(sys.argv[2]))
