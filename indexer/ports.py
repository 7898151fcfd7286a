"""The ports: what the core needs from the outside world, as small Protocols."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

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


class VectorIndex(Protocol):
    """An id-mapped vector index. Ids are chunk ids from the chunk store."""

    def add(self, ids: Sequence[int], vectors: Vectors) -> None: ...

    def remove(self, ids: Sequence[int]) -> None: ...

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        """Best first, by inner product. Removed ids never come back."""

    def ids(self) -> set[int]: ...

    def vectors(self, ids: Sequence[int]) -> Vectors:
        """The stored vectors of `ids`, each of which must be present."""

    def __len__(self) -> int: ...

    def save(self, path: str) -> None:
        """Write to `path` completely or raise; the caller makes it current."""


class LexicalIndex(Protocol):
    """A keyword index over chunks' terms (indexer.lexical_tokens), rebuilt per snapshot."""

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Best first by BM25 score; only chunks that share a term with the query."""

    def ids(self) -> set[int]: ...

    def save(self, path: str) -> None: ...


class Progress(Protocol):
    """Where long work reports how far it got. The CLI draws a bar; tasks update job state."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class NoProgress:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat prompt."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    """What a language model wrote. Token counts are the provider's, or None if it gave none."""

    text: str
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class LLM(Protocol):
    """A chat language model behind an OpenAI-compatible (or any) API."""

    model: str
    """The model name requests are sent with; also picks the prompt token counter."""

    def complete(
        self,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> Completion:
        """The model's reply to `messages`, at most `max_tokens` long.

        With `on_token`, the reply is streamed: each text delta is passed to it as it arrives,
        and the returned `Completion.text` is their concatenation. Never hangs: gives up with
        `LLMTimeout` once the configured deadline passes. Raises a `TransientError` subclass
        when a retry may succeed (timeout, connection, HTTP 429 or 5xx), a permanent
        `FootnoteError` when it cannot (credentials, a rejected request, empty or malformed
        output). Does not retry by itself: retrying is the caller's choice.
        """
