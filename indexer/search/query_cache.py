"""A query-embedding cache in front of an Embedder, for the search path only.

People repeat searches (the same words from the search box, the same question re-asked), and
embedding a query is most of a search's CPU. Indexing keeps the raw embedder: passages are
embedded once and caching them would only hold memory.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from indexer.ports import Embedder, SharedVectorCache, TokenIds, Vectors


class CachedQueryEmbedder:
    """Implements the Embedder port: rows come from the in-process LRU (`size` entries,
    0 disables it), then from `shared`, and only the rest are embedded, in one call."""

    def __init__(
        self,
        embedder: Embedder,
        size: int,
        shared: SharedVectorCache | None = None,
        namespace: str | None = None,
    ) -> None:
        self._embedder = embedder
        self.name = embedder.name
        self._size = size
        self._shared = shared
        # The backend belongs in the key: an int8 and an fp32 vector of one text differ.
        self._namespace = namespace or embedder.name
        self._lru: OrderedDict[str, Vectors] = OrderedDict()
        # Routes run in a thread pool; OrderedDict reordering is not thread-safe.
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self._embedder.dimension  # read late: the model may load on first use

    def embed(self, texts: Sequence[str], tokens: TokenIds | None = None) -> Vectors:
        # Queries arrive as text: given token ids would only matter on a miss, so they are not
        # threaded through the cache.
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        found: dict[int, Vectors] = {}
        for i, text in enumerate(texts):
            row = self._local(text)
            if row is not None:
                found[i] = row
        missing = [i for i in range(len(texts)) if i not in found]
        if missing and self._shared is not None:
            shared = self._shared.get_many([self._key(texts[i]) for i in missing])
            for i, row in zip(missing, shared, strict=True):
                if row is not None and row.shape == (self.dimension,):
                    found[i] = self._remember(texts[i], row)
            missing = [i for i in missing if i not in found]
        if missing:
            fresh = self._embedder.embed([texts[i] for i in missing])
            for i, row in zip(missing, fresh, strict=True):
                found[i] = self._remember(texts[i], row)
            if self._shared is not None:
                self._shared.put_many([(self._key(texts[i]), found[i]) for i in missing])
        return np.stack([found[i] for i in range(len(texts))]).astype(np.float32, copy=False)

    def __len__(self) -> int:
        return len(self._lru)

    def _key(self, text: str) -> str:
        # Hashed: keys stay short whatever the query length, and no query text sits in Redis.
        digest = hashlib.sha256(text.encode()).hexdigest()
        return f"{self._namespace}:{digest}"

    def _local(self, text: str) -> Vectors | None:
        with self._lock:
            row = self._lru.get(text)
            if row is not None:
                self._lru.move_to_end(text)
            return row

    def _remember(self, text: str, row: Vectors) -> Vectors:
        row = np.array(row, dtype=np.float32)
        row.flags.writeable = False  # shared by every later hit
        if self._size == 0:
            return row
        with self._lock:
            self._lru[text] = row
            self._lru.move_to_end(text)
            while len(self._lru) > self._size:
                self._lru.popitem(last=False)
        return row
