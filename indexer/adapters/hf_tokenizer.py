"""The embedding model's own WordPiece/BPE tokenizer, through the `tokenizers` library."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer as HFTokenizer

from indexer.errors import FootnoteError

# [CLS] and [SEP] (or <s> and </s>) take two of the model's positions.
_SPECIAL_TOKENS = 2


class HuggingFaceTokenizer:
    def __init__(self, model_dir: Path) -> None:
        self._tokenizer, self.fingerprint = read_tokenizer(model_dir)
        self.max_tokens = max_seq_length(model_dir) - _SPECIAL_TOKENS

    def count(self, text: str) -> int:
        return len(self.encode(text))

    def encode(self, text: str) -> list[int]:
        ids: list[int] = self._tokenizer.encode(text, add_special_tokens=False).ids
        return ids

    def count_many(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]


def read_tokenizer(model_dir: Path) -> tuple[HFTokenizer, str]:
    """The model's tokenizer, neither padding nor truncating, and its fingerprint (a digest of
    tokenizer.json: two adapters reading the same file make the same ids)."""
    path = model_dir / "tokenizer.json"
    if not path.is_file():
        raise FootnoteError(f"no tokenizer.json in model directory {model_dir}")
    tokenizer = HFTokenizer.from_file(str(path))
    # The bundled tokenizer.json pads and truncates to 128: both would hide a chunk's length.
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer, hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def max_seq_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text()).get("max_seq_length")
        if isinstance(value, int):
            return value
    model_config = model_dir / "config.json"
    if model_config.is_file():
        value = json.loads(model_config.read_text()).get("max_position_embeddings")
        if isinstance(value, int):
            return value
    return 512
