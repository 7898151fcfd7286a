"""A cache of finished answers, keyed by everything that could change them."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from typing import Any

# The shape of a cached answer: raised when fields are added, so answers cached before then
# (without them) are not served to clients that expect them.
ANSWER_FORMAT = 2


def answer_key(
    question: str, filters: dict[str, Any], k: int | None, model: str, generation: int
) -> str:
    """Same normalised question, filters, model and snapshot: same answer. A new snapshot
    changes the key, so it invalidates every cached answer at once."""
    normalised = " ".join(question.casefold().split()).rstrip("?!. ")
    payload = json.dumps([normalised, filters, k, model, generation, ANSWER_FORMAT], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class InMemoryAnswerCache:
    """Per-process LRU with a TTL: the embedded mode's cache."""

    def __init__(self, ttl_s: float, size: int = 512) -> None:
        self._ttl_s = ttl_s
        self._size = size
        self._items: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] < time.monotonic():
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, answer: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + self._ttl_s, answer)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
