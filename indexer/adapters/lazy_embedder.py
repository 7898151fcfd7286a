"""An Embedder that loads its model on first use.

A process that uses one model of two never pays for the other: with queries on one runtime
and passages on another, an API process only ever embeds queries, and a worker that only
indexes only passages. The name is known up front (it is the model's, whatever the runtime),
so an index's model can be checked without loading anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from indexer.ports import Embedder, TokenIds, Vectors


class LazyEmbedder:
    def __init__(self, name: str, load: Callable[[], Embedder]) -> None:
        self.name = name
        self._load = load
        self._loaded: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    @property
    def dimension(self) -> int:
        return self._model().dimension

    def embed(self, texts: Sequence[str], tokens: TokenIds | None = None) -> Vectors:
        return self._model().embed(texts, tokens)

    def _model(self) -> Embedder:
        model = self._loaded
        if model is None:
            with self._lock:  # two first searches at once load it once
                if self._loaded is None:
                    self._loaded = self._load()
                model = self._loaded
        return model
