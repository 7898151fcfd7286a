"""The embedding model's own WordPiece/BPE tokenizer, through the `tokenizers` library."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer as HFTokenizer
from tokenizers import models, normalizers, pre_tokenizers

from indexer.errors import FootnoteError
from indexer.ports import TokenSpans

# [CLS] and [SEP] (or <s> and </s>) take two of the model's positions.
_SPECIAL_TOKENS = 2


class HuggingFaceTokenizer:
    def __init__(self, model_dir: Path) -> None:
        self._tokenizer, self.fingerprint = read_tokenizer(model_dir)
        self.max_tokens = max_seq_length(model_dir) - _SPECIAL_TOKENS
        self._word_local = _splits_words_first(self._tokenizer)

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

    def encode_spans(self, text: str) -> TokenSpans | None:
        if not self._word_local:
            return None
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        starts = [start for start, _ in encoding.offsets]
        ends = [end for _, end in encoding.offsets]
        return TokenSpans(encoding.ids, starts, ends, encoding.word_ids)


def _splits_words_first(tokenizer: HFTokenizer) -> bool:
    """BERT's rules: per-character normalising, a split at spaces and punctuation, then
    WordPiece on each word alone. Byte-level BPE is not: a word's tokens depend on the space
    before it."""
    normalizer = tokenizer.normalizer
    return (
        (normalizer is None or isinstance(normalizer, normalizers.BertNormalizer))
        and isinstance(tokenizer.pre_tokenizer, pre_tokenizers.BertPreTokenizer)
        and isinstance(tokenizer.model, models.WordPiece)
    )


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
