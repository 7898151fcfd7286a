"""AnswerCache on Redis, shared by every worker; an unreachable Redis is a cache miss."""

from __future__ import annotations

import json
import logging
from typing import Any

import redis

log = logging.getLogger(__name__)


class RedisAnswerCache:
    def __init__(self, client: redis.Redis, ttl_s: int, prefix: str = "footnote:answer") -> None:
        self._redis = client
        self._ttl_s = ttl_s
        self._prefix = prefix

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self._redis.get(f"{self._prefix}:{key}")
        except redis.RedisError as exc:
            log.warning("answer cache unavailable, answering without it: %s", exc)
            return None
        return None if raw is None else dict(json.loads(raw))

    def put(self, key: str, answer: dict[str, Any]) -> None:
        try:
            self._redis.set(f"{self._prefix}:{key}", json.dumps(answer), ex=self._ttl_s)
        except redis.RedisError as exc:
            log.warning("answer cache unavailable, not storing: %s", exc)
