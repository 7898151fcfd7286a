"""Prometheus metrics: request latency by route, and the state of the loaded index."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.analytics.recorder import Recorder
from indexer.index.snapshot_reader import SnapshotReader
from search_api.asgi import on_response_start


class IndexCollector(Collector):
    """Reads the snapshot reader at scrape time, so the numbers are never stale."""

    def __init__(self, reader: SnapshotReader) -> None:
        self._reader = reader

    def collect(self) -> Iterable[Metric]:
        status = self._reader.status()
        yield GaugeMetricFamily(
            "footnote_index_chunks",
            "Chunks in the loaded snapshot",
            value=float(status["chunks"]),  # type: ignore[arg-type]
        )
        yield GaugeMetricFamily(
            "footnote_index_articles",
            "Articles in the loaded snapshot",
            value=float(status["articles"]),  # type: ignore[arg-type]
        )
        yield GaugeMetricFamily(
            "footnote_snapshot_generation",
            "Generation of the loaded snapshot (0 before the first)",
            value=float(status["generation"] or 0),  # type: ignore[arg-type]
        )
        yield CounterMetricFamily(
            "footnote_snapshot_reloads",
            "Snapshots loaded by this process",
            value=self._reader.reloads,
        )
        yield GaugeMetricFamily(
            "footnote_snapshot_refused",
            "1 while a newer snapshot failed its checks and the previous one is served",
            value=1.0 if status["error"] else 0.0,
        )


class DroppedCollector(Collector):
    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def collect(self) -> Iterable[Metric]:
        yield CounterMetricFamily(
            "footnote_analytics_dropped",
            "Analytics events dropped (queue full or store failing); searches were unaffected",
            value=self._recorder.dropped,
        )


class Metrics:
    def __init__(self, reader: SnapshotReader, recorder: Recorder | None = None) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "footnote_request_seconds",
            "HTTP request latency by route",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56),
        )
        self.registry.register(IndexCollector(reader))
        if recorder is not None:
            self.registry.register(DroppedCollector(recorder))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(method, route, str(status)).observe(seconds)


class LatencyMiddleware:
    """Times every HTTP request into the app's Metrics (once the lifespan has made them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics: Metrics | None = getattr(scope["app"].state, "metrics", None)
        if scope["type"] != "http" or metrics is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before responding

        def record_status(message: Message) -> None:
            nonlocal status
            status = message["status"]

        try:
            await self.app(scope, receive, on_response_start(send, record_status))
        finally:
            metrics.observe(
                scope["method"], _route_of(scope), status, time.perf_counter() - started
            )


_CONVERTER = re.compile(r":\w+\}")


def _route_of(scope: Scope) -> str:
    """The route template (`/articles/{article_id}`), never the raw path: bounded labels."""
    route = scope.get("route")
    # A converter (`{article_id:article_id}`) is how the route matches, not part of its name.
    return _CONVERTER.sub("}", str(getattr(route, "path", "unmatched")))
