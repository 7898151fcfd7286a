"""Ports of the embedding model: its tokenizer and its embedder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TokenIds:
    """Texts already tokenised, one id list per text (special tokens excluded), with the
    fingerprint of the tokenizer that made them: an embedder uses them only when its own
    tokenizer has the same fingerprint, so a mismatched pair costs speed, never correctness."""

    tokenizer: str
    ids: Sequence[Sequence[int]]


@dataclass(frozen=True)
class TokenSpans:
    """Token ids of one text, where each token starts and ends in it (characters), and the
    word each belongs to (a word-piece tokenizer cuts one word into several tokens)."""

    ids: Sequence[int]
    starts: Sequence[int]
    ends: Sequence[int]
    words: Sequence[int | None]


class Tokenizer(Protocol):
    """The embedding model's own tokenizer, used to measure chunks."""

    max_tokens: int
    """Longest input the model reads, special tokens excluded."""

    fingerprint: str
    """Names this tokenizer's vocabulary and rules (see TokenIds)."""

    def count(self, text: str) -> int:
        """Number of tokens the model sees for `text`, special tokens excluded."""

    def encode(self, text: str) -> list[int]:
        """The token ids the model sees for `text`, special tokens excluded."""

    def count_many(self, texts: Sequence[str]) -> list[int]:
        """`count` for many texts at once (faster in bulk)."""

    def encode_spans(self, text: str) -> TokenSpans | None:
        """`encode(text)` with each token's character span, when this tokenizer splits the
        text into words first and each word on its own, so that the tokens of a slice of
        `text` that starts and ends between words are a slice of these; otherwise None."""


class Embedder(Protocol):
    name: str

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], tokens: TokenIds | None = None) -> Vectors:
        """One L2-normalised float32 row per text, in order. Slow: call outside transactions.
        `tokens`, when given, are `texts` tokenised already (see TokenIds)."""
