"""What recording a search for the editors' reports adds to `/search`: one index served by two
API processes at once, one with FOOTNOTE_ANALYTICS off and one with it on, and one client that
sends every query to both in turn (which one first alternates), so both answer under the same
load of a shared machine at the same moment.

Each run sends its queries to both once untimed, then timed: every query is then embedded
already (the process's query cache), so the figure is the search's fastest path, where what
recording adds weighs most. Recording happens after the search's own `took_ms`, so the
client's p50 is the figure; the server's is kept beside it. In Redis mode the recording
process appends to the Redis stream instead of SQLite: measured too when Redis is configured.

A negative delta is not a speed-up: on a small VM the recording process's writer thread, busy
right after each request, seems to keep its CPUs from idling before the next one, and that
can save more than recording costs (README, Performance, has the figures).
"""

from __future__ import annotations

import statistics
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from eval.bench import http_load
from eval.bench.sizes import QueryPool
from eval.bench.stack import running_stack
from eval.bench.stats import percentiles_ms
from indexer.ports.analytics import QueryEvent

MODE = "hybrid"
SWITCH = {"off": "false", "on": "true"}


def analytics_section(
    data_dir: Path,
    logs: Path,
    onnx_dir: Path,
    pool: QueryPool,
    queries: int,
    repeats: int,
    redis_url: str | None,
) -> dict[str, Any]:
    section: dict[str, Any] = {
        "record_call_us": record_call_us(data_dir.parent / "record-cost"),
        "mode": MODE,
        "queries_per_run": queries,
        "repeats": repeats,
        **_off_and_on(data_dir, logs, onnx_dir, pool, queries, repeats, None),
        "redis": None,
    }
    if redis_url:
        section["redis"] = _off_and_on(data_dir, logs, onnx_dir, pool, queries, repeats, redis_url)
    return section


def record_call_us(data_dir: Path, events: int = 5000) -> float:
    """What the request itself spends recording, in microseconds: the recorder's `record`
    (the event put on the writer's queue), with the SQLite writer running behind it."""
    from indexer.bootstrap import build_recorder
    from indexer.config import Settings

    data_dir.mkdir(parents=True, exist_ok=True)
    recorder = build_recorder(Settings(data_dir=data_dir, redis_url=None, analytics=True))
    made = [
        QueryEvent(f"q{i}", "search", f"query {i}", MODE, 10, 0.5, time.time())
        for i in range(events)
    ]
    started = time.perf_counter()
    for event in made:
        recorder.record(event)
    elapsed = time.perf_counter() - started
    recorder.close()
    return round(elapsed / events * 1e6, 2)


def _off_and_on(
    data_dir: Path,
    logs: Path,
    onnx_dir: Path,
    pool: QueryPool,
    queries: int,
    repeats: int,
    redis_url: str | None,
) -> dict[str, Any]:
    runs: dict[str, dict[str, list[float]]] = {
        name: {"client": [], "server": []} for name in SWITCH
    }
    with ExitStack() as stacks:
        urls = {
            name: stacks.enter_context(
                running_stack(
                    data_dir,
                    logs,
                    onnx_dir,
                    False,
                    redis_url,
                    settings_env={"FOOTNOTE_ANALYTICS": value},
                )
            ).url
            for name, value in SWITCH.items()
        }
        connections = {
            name: stacks.enter_context(http_load.connection(url)) for name, url in urls.items()
        }
        for _ in range(repeats):
            sent = pool.take(queries)
            for conn in connections.values():
                for query in sent:  # embeds and caches them
                    http_load.ask(conn, query, MODE, http_load.Samples())
            samples = {name: http_load.Samples() for name in SWITCH}
            for i, query in enumerate(sent):
                order = list(SWITCH) if i % 2 == 0 else list(reversed(SWITCH))
                for name in order:
                    http_load.ask(connections[name], query, MODE, samples[name])
            for name, timed in samples.items():
                runs[name]["client"].append(percentiles_ms(timed.client_s, "c")["c_p50_ms"])
                runs[name]["server"].append(percentiles_ms(timed.server_s, "s")["s_p50_ms"])
    return {
        "search_p50_ms": _compared(runs, "client"),
        "server_p50_ms": _compared(runs, "server"),
        "spread": {name: {k: [min(v), max(v)] for k, v in runs[name].items()} for name in SWITCH},
    }


def _compared(runs: dict[str, dict[str, list[float]]], side: str) -> dict[str, float]:
    off = statistics.median(runs["off"][side])
    on = statistics.median(runs["on"][side])
    return {"off": round(off, 3), "on": round(on, 3), "delta": round(on - off, 3)}
