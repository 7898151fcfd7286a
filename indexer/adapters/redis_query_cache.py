"""Query embeddings shared on Redis by the API and workers; an unreachable Redis is a miss."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
import redis

from indexer.ports import Vectors

log = logging.getLogger(__name__)

# After a failure Redis is left alone this long, so an outage costs one timeout, not one
# per search.
_BACKOFF_S = 30.0


class RedisQueryVectorCache:
    """Vectors stored as raw float32 bytes under `<prefix>:<key>`, each with a TTL."""

    def __init__(
        self,
        client: redis.Redis,
        ttl_s: int,
        prefix: str = "footnote:qvec",
        backoff_s: float = _BACKOFF_S,
    ) -> None:
        self._redis = client
        self._ttl_s = ttl_s
        self._prefix = prefix
        self._backoff_s = backoff_s
        self._down_until = 0.0

    def get_many(self, keys: Sequence[str]) -> list[Vectors | None]:
        if not keys or self._resting():
            return [None] * len(keys)
        try:
            raws = self._redis.mget([f"{self._prefix}:{k}" for k in keys])
        except redis.RedisError as exc:
            self._failed("searching without it", exc)
            return [None] * len(keys)
        return [_vector(raw) for raw in raws]

    def put_many(self, items: Sequence[tuple[str, Vectors]]) -> None:
        if not items or self._resting():
            return
        try:
            pipe = self._redis.pipeline(transaction=False)
            for key, vector in items:
                data = np.asarray(vector, dtype="<f4").tobytes()
                pipe.set(f"{self._prefix}:{key}", data, ex=self._ttl_s)
            pipe.execute()
        except redis.RedisError as exc:
            self._failed("not storing", exc)

    def _resting(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, doing: str, exc: redis.RedisError) -> None:
        self._down_until = time.monotonic() + self._backoff_s
        log.warning("query cache unavailable, %s for %.0f s: %s", doing, self._backoff_s, exc)


def _vector(raw: object) -> Vectors | None:
    # Anything but a whole float32 vector (say, a key someone else wrote) is a miss.
    if not isinstance(raw, bytes) or not raw or len(raw) % 4:
        return None
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)
