"""What recording a search for the editors' reports adds to `/search`: one index served by two
API processes at once, one with FOOTNOTE_ANALYTICS off and one with it on, sent the same
queries in turn by one client (the order swapped every run, so neither always goes second).

Each run sends its queries twice and times the second pass: every query is then embedded
already (the process's query cache), so the figure is the search's fastest path, where what
recording adds weighs most. Recording happens after the search's own `took_ms`, so the
client's p50 is the figure; the server's is kept beside it. In Redis mode the recording
process appends to the Redis stream instead of SQLite: measured too when Redis is configured.
"""

from __future__ import annotations

import statistics
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from eval.bench import http_load
from eval.bench.sizes import QueryPool
from eval.bench.stack import running_stack

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
        "mode": MODE,
        "queries_per_run": queries,
        "repeats": repeats,
        **_off_and_on(data_dir, logs, onnx_dir, pool, queries, repeats, None),
        "redis": None,
    }
    if redis_url:
        section["redis"] = _off_and_on(data_dir, logs, onnx_dir, pool, queries, repeats, redis_url)
    return section


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
        for url in urls.values():
            http_load.warm_up(url, pool.first(3), [MODE])
        for run in range(repeats):
            sent = pool.take(queries)
            order = list(SWITCH) if run % 2 == 0 else list(reversed(SWITCH))
            for name in order:
                http_load.single_client(urls[name], sent, MODE)  # embeds and caches them
                timed = http_load.single_client(urls[name], sent, MODE)
                runs[name]["client"].append(timed["client_p50_ms"])
                runs[name]["server"].append(timed["server_p50_ms"])
    return {
        "search_p50_ms": _compared(runs, "client"),
        "server_p50_ms": _compared(runs, "server"),
        "spread": {name: {k: [min(v), max(v)] for k, v in runs[name].items()} for name in SWITCH},
    }


def _compared(runs: dict[str, dict[str, list[float]]], side: str) -> dict[str, float]:
    off = statistics.median(runs["off"][side])
    on = statistics.median(runs["on"][side])
    return {"off": round(off, 3), "on": round(on, 3), "delta": round(on - off, 3)}
