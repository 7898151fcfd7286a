"""`/search` over HTTP: one client asking in turn, then 8 clients at once.

Client-side latency is the wall time of the request on loopback. Server-side latency is the
`took_ms` the API returns with every page: the search service's own time (validation, query
embedding, FAISS, BM25, fusion, fetching passages), without HTTP parsing and JSON encoding.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from eval.bench.stats import percentiles_ms

PAGE_K = 10


@dataclass
class Samples:
    client_s: list[float] = field(default_factory=list)
    server_s: list[float] = field(default_factory=list)
    errors: int = 0


def ask(client: httpx.Client, query: str, mode: str, samples: Samples) -> None:
    started = time.perf_counter()
    response = client.get("/search", params={"q": query, "mode": mode, "k": PAGE_K})
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        samples.errors += 1
        return
    samples.client_s.append(elapsed)
    samples.server_s.append(float(response.json()["took_ms"]) / 1000)


def warm_up(url: str, queries: Sequence[str], modes: Sequence[str]) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        for mode in modes:
            for query in queries[:3]:
                client.get("/search", params={"q": query, "mode": mode, "k": PAGE_K})


def single_client(url: str, queries: Sequence[str], mode: str) -> dict[str, float]:
    """Every query once, in turn, on one keep-alive connection."""
    samples = Samples()
    with httpx.Client(base_url=url, timeout=60) as client:
        for query in queries:
            ask(client, query, mode, samples)
    return _result(samples, len(queries))


def concurrent_clients(
    url: str, queries: Sequence[str], mode: str, clients: int = 8
) -> dict[str, float]:
    """`clients` threads, each with its own connection, share the queries; requests/s is the
    number answered over the wall time of the whole burst."""
    samples = Samples()
    lock = threading.Lock()
    cursor = iter(range(len(queries)))

    def run() -> None:
        own = Samples()
        with httpx.Client(base_url=url, timeout=120) as client:
            while True:
                with lock:
                    index = next(cursor, None)
                if index is None:
                    break
                ask(client, queries[index], mode, own)
        with lock:
            samples.client_s.extend(own.client_s)
            samples.server_s.extend(own.server_s)
            samples.errors += own.errors

    threads = [threading.Thread(target=run) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    result = _result(samples, len(queries))
    return {
        "rps": round(len(samples.client_s) / wall, 2),
        **{
            k.replace("client_", "client8_").replace("server_", "server8_"): v
            for k, v in result.items()
        },
    }


def _result(samples: Samples, asked: int) -> dict[str, float]:
    return {
        **percentiles_ms(samples.server_s, "server"),
        **percentiles_ms(samples.client_s, "client"),
        "errors": float(samples.errors),
        "requests": float(asked),
    }
