"""Per-client rate limits on the reader endpoints that cost CPU or an LLM call.

Counted with the `limits` library: fixed windows in Redis (one atomic INCR+EXPIRE per request,
shared by every API process) when FOOTNOTE_REDIS_URL is set, in process memory otherwise. The
client is the peer address, or the address in X-Forwarded-For when the peer is a proxy listed
in FOOTNOTE_FORWARDED_ALLOW_IPS (uvicorn rewrites the peer before the app sees it).

If Redis fails, requests pass (fail open): a limiter must never take search down with it.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass

import anyio.to_thread
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from indexer.config import Settings
from search_api.errors import error_response

log = logging.getLogger(__name__)

# After a storage failure, skip the limiter this long: a dead Redis costs one timeout, not one
# per request.
PAUSE_AFTER_FAILURE_S = 5.0
REDIS_TIMEOUT_S = 0.25


@dataclass(frozen=True)
class Rule:
    name: str
    method: str
    path: re.Pattern[str]
    limits: tuple[RateLimitItem, ...]


def parse_limit(value: str, setting: str) -> tuple[RateLimitItem, ...]:
    """'120/minute' (or several, '10/second;120/minute'); '0' or '' disables."""
    if value.strip() in ("", "0"):
        return ()
    try:
        return tuple(parse_many(value))
    except ValueError as exc:
        raise ValueError(f"{setting}={value!r} is not a rate like '120/minute' or '0'") from exc


class RateLimits:
    def __init__(self, rules: list[Rule], storage: Storage, shared: bool) -> None:
        self.rules = [rule for rule in rules if rule.limits]
        self.shared = shared  # Redis: calls block on the network, so they run in a thread
        self._limiter = FixedWindowRateLimiter(storage)
        self._paused_until = 0.0

    @classmethod
    def from_settings(cls, settings: Settings, timeout_s: float = REDIS_TIMEOUT_S) -> RateLimits:
        search = parse_limit(settings.rate_limit_search, "FOOTNOTE_RATE_LIMIT_SEARCH")
        ask = parse_limit(settings.rate_limit_ask, "FOOTNOTE_RATE_LIMIT_ASK")
        rules = [
            Rule("search", "GET", re.compile(r"/search"), search),
            Rule("search", "GET", re.compile(r"/articles/[^/]+/related"), search),
            Rule("ask", "POST", re.compile(r"/ask"), ask),
        ]
        if not settings.redis_url:
            return cls(rules, MemoryStorage(), shared=False)
        storage = RedisStorage(
            settings.redis_url,
            key_prefix="footnote:ratelimit",
            wrap_exceptions=True,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
        )
        return cls(rules, storage, shared=True)

    def rule_for(self, method: str, path: str) -> Rule | None:
        return next((r for r in self.rules if r.method == method and r.path.fullmatch(path)), None)

    def retry_after(self, rule: Rule, client: str) -> int | None:
        """Counts one request; None when it may pass, else the seconds until it would."""
        if time.monotonic() < self._paused_until:
            return None
        try:
            over = [item for item in rule.limits if not self._limiter.hit(item, rule.name, client)]
            if not over:
                return None
            resets = [self._limiter.get_window_stats(item, rule.name, client)[0] for item in over]
        except StorageError as exc:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_S
            log.warning(
                "rate limiter storage failed, letting requests through for %.0f s: %s",
                PAUSE_AFTER_FAILURE_S,
                exc.storage_error,
            )
            return None
        return max(1, math.ceil(max(resets) - time.time()))


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = None
        if scope["type"] == "http":
            rule = self.limits.rule_for(scope["method"], scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        if self.limits.shared:
            wait = await anyio.to_thread.run_sync(self.limits.retry_after, rule, client)
        else:
            wait = self.limits.retry_after(rule, client)
        if wait is None:
            await self.app(scope, receive, send)
            return
        response = error_response(
            429,
            "rate_limited",
            f"too many {rule.name} requests from your address: try again in {wait} s",
            **{"Retry-After": str(wait)},
        )
        await response(scope, receive, send)
