"""Caches the core may use but never depends on: each is best effort, an outage is a miss."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from indexer.ports.embedding import Vectors


class AnswerCache(Protocol):
    def get(self, key: str) -> dict[str, Any] | None:
        """The cached answer, or None; a cache that cannot be reached answers None."""

    def put(self, key: str, answer: dict[str, Any]) -> None:
        """Best effort: a cache that cannot be reached stores nothing and raises nothing."""


class SharedVectorCache(Protocol):
    """A second cache level shared by processes (Redis). Never raises: an outage is a miss."""

    def get_many(self, keys: Sequence[str]) -> list[Vectors | None]:
        """One 1-D float32 vector or None per key, in order."""

    def put_many(self, items: Sequence[tuple[str, Vectors]]) -> None: ...
