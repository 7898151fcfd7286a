"""The rate limiter on a real Redis: one count shared by every API process, and search that
keeps answering when Redis is gone."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from indexer.bootstrap import Services
from indexer.config import Settings
from search_api.app import create_app
from search_api.rate_limit import RateLimits
from tests.builders import sections, write_article
from tests.services import free_port

pytestmark = pytest.mark.integration


def limits(settings: Settings, redis_url: str, rate: str = "3/minute") -> RateLimits:
    # A generous timeout: on a loaded CI box a slow reply must not count as Redis being down.
    update = {"redis_url": redis_url, "rate_limit_search": rate}
    return RateLimits.from_settings(settings.model_copy(update=update), timeout_s=5.0)


def test_two_api_processes_share_one_count_in_redis(settings: Settings, redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    first, second = limits(settings, redis_url), limits(settings, redis_url)
    rule = first.rule_for("GET", "/search")
    assert rule is not None and first.shared
    waits = [first.retry_after(rule, "10.0.0.7"), second.retry_after(rule, "10.0.0.7")]
    waits += [first.retry_after(rule, "10.0.0.7"), second.retry_after(rule, "10.0.0.7")]
    assert waits[:3] == [None, None, None]
    assert waits[3] is not None and 1 <= waits[3] <= 60
    assert second.retry_after(rule, "10.0.0.8") is None  # another client, its own count
    keys = redis.Redis.from_url(redis_url).keys("footnote:ratelimit*")
    assert len(keys) == 2


def test_search_keeps_answering_when_redis_is_down(
    fake_services: Services, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_article(tmp_path / "articles", "redis-caching", sections("Expiry"))
    fake_services.indexing.sync_source(tmp_path / "articles")
    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    fake_services.settings = settings.model_copy(
        update={"redis_url": down, "rate_limit_search": "1/minute"}
    )
    jobs = object()  # /search never touches jobs; a real queue would try Redis too
    with TestClient(create_app(fake_services, jobs=jobs)) as client:  # type: ignore[arg-type]
        with caplog.at_level(logging.WARNING, logger="search_api.rate_limit"):
            statuses = [client.get("/search", params={"q": "expiry"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    warnings = [r for r in caplog.records if r.name == "search_api.rate_limit"]
    assert len(warnings) == 1 and "letting requests through" in warnings[0].getMessage()
