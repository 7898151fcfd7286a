"""Prometheus metrics: request latency by route, and the state of the loaded index."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from indexer.snapshot_reader import SnapshotReader


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


class Metrics:
    def __init__(self, reader: SnapshotReader) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "footnote_request_seconds",
            "HTTP request latency by route",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56),
        )
        self.registry.register(IndexCollector(reader))

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        self.latency.labels(request.method, _route_of(request), str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


def _route_of(request: Request) -> str:
    """The route template (`/articles/{article_id}`), never the raw path: bounded labels."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))
