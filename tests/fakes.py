"""Deterministic fakes of our own ports, for fast tests with no torch and no model files."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from indexer.ports import ChatMessage, Completion, TokenIds, TokenSpans, Vectors

_TOKEN = re.compile(r"\w+|[^\w\s]")


class FakeTokenizer:
    """One token per word or punctuation mark: close enough to WordPiece to test bounds."""

    fingerprint = "fake-words"

    def __init__(self, max_tokens: int = 254, *, spans: bool = True) -> None:
        self.max_tokens = max_tokens
        self._spans = spans

    def count(self, text: str) -> int:
        return len(_TOKEN.findall(text))

    def encode(self, text: str) -> list[int]:
        return [_word_id(token) for token in _TOKEN.findall(text)]

    def count_many(self, texts: Sequence[str]) -> list[int]:
        return [self.count(t) for t in texts]

    def encode_spans(self, text: str) -> TokenSpans | None:
        """Words are tokenised alone, as BERT's are; `spans=False` makes the chunker
        tokenise every slice on its own instead."""
        if not self._spans:
            return None
        found = list(_TOKEN.finditer(text))
        ids = [_word_id(m.group()) for m in found]
        starts, ends = [m.start() for m in found], [m.end() for m in found]
        return TokenSpans(ids, starts, ends, list(range(len(found))))


def _word_id(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=3).digest(), "little")


class FakeEmbedder:
    """Hashed bag of words: texts that share words get nearby vectors. Records every call."""

    def __init__(self, dimension: int = 64, name: str = "fake-embedder") -> None:
        self.dimension = dimension
        self.name = name
        self.calls: list[list[str]] = []
        self.tokens: list[TokenIds | None] = []

    @property
    def embedded(self) -> int:
        return sum(len(call) for call in self.calls)

    def embed(self, texts: Sequence[str], tokens: TokenIds | None = None) -> Vectors:
        self.calls.append(list(texts))
        self.tokens.append(tokens)
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            # A text without words (empty, emoji) still gets a unit row, as a real model's.
            for word in re.findall(r"\w+", text.lower()) or [text]:
                rows[row, self._bucket(word)] += 1.0
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        return rows

    def _bucket(self, word: str) -> int:
        digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
        return int.from_bytes(digest, "little") % self.dimension


class InMemoryVectorIndex:
    """Exact inner-product search over a dict; saved as .npz."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._rows: dict[int, Vectors] = {}

    @classmethod
    def load(cls, path: Path) -> InMemoryVectorIndex:
        with np.load(path) as data:
            index = cls(int(data["dimension"]))
            for chunk_id, row in zip(data["ids"], data["vectors"], strict=True):
                index._rows[int(chunk_id)] = row
        return index

    def add(self, ids: Sequence[int], vectors: Vectors) -> None:
        """Refuses, changing nothing, rows of another shape and ids present already or given
        twice, as FAISS does."""
        if len(ids) == 0:
            return
        if vectors.shape != (len(ids), self.dimension):
            raise ValueError(f"expected {len(ids)} rows of {self.dimension}, got {vectors.shape}")
        new = Counter(int(chunk_id) for chunk_id in ids)
        clash = sorted(i for i, times in new.items() if times > 1 or i in self._rows)
        if clash:
            raise ValueError(f"ids added twice: {clash[:10]}")
        for chunk_id, row in zip(ids, vectors, strict=True):
            self._rows[int(chunk_id)] = np.array(row, dtype=np.float32)

    def remove(self, ids: Sequence[int]) -> None:
        for chunk_id in ids:
            self._rows.pop(int(chunk_id), None)

    def search(self, query: Vectors, k: int) -> list[tuple[int, float]]:
        scored = [(i, float(row @ query[0])) for i, row in self._rows.items()]
        return sorted(scored, key=lambda p: (-p[1], p[0]))[: max(k, 0)]

    def ids(self) -> set[int]:
        return set(self._rows)

    def vectors(self, ids: Sequence[int]) -> Vectors:
        return np.vstack([self._rows[int(i)] for i in ids]).astype(np.float32)

    def __len__(self) -> int:
        return len(self._rows)

    def save(self, path: str) -> None:
        ids = np.array(sorted(self._rows), dtype=np.int64)
        vectors = np.array([self._rows[i] for i in ids], dtype=np.float32).reshape(
            len(ids), self.dimension
        )
        with open(path, "wb") as handle:
            np.savez(handle, ids=ids, vectors=vectors, dimension=self.dimension)


class RecordingJobQueue:
    """Records enqueued jobs instead of sending them to a broker."""

    def __init__(self) -> None:
        self.sent: list[object] = []

    def enqueue(self, job: object) -> None:
        self.sent.append(job)


class DictAnswerCache:
    """The AnswerCache port over a dict that never expires, open to inspection."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self.items.get(key)

    def put(self, key: str, answer: dict[str, Any]) -> None:
        self.items[key] = answer


class RecordingLLM:
    """A scripted language model that records every prompt (the `LLM` port).

    Replies are taken in turn from `replies` (the last one repeats); a reply that is an
    exception is raised instead. Streamed replies arrive in `chunk`-character pieces.
    """

    def __init__(
        self,
        *replies: str | Exception,
        model: str = "gpt-4o-mini",
        chunk: int = 4,
        window: int | None = None,
    ) -> None:
        self.model = model
        self.window = window
        self.replies: list[str | Exception] = list(replies) or ["Answered from the sources [1]."]
        self.chunk = chunk
        self.calls: list[tuple[list[ChatMessage], int]] = []

    def context_window(self) -> int | None:
        return self.window

    @property
    def last_user_message(self) -> str:
        return next(m.content for m in self.calls[-1][0] if m.role == "user")

    def complete(
        self,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> Completion:
        self.calls.append((list(messages), max_tokens))
        reply = self.replies[min(len(self.calls), len(self.replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        if on_token is not None:
            for start in range(0, len(reply), self.chunk):
                on_token(reply[start : start + self.chunk])
        return Completion(reply, self.model, None, None)
