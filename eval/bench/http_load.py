"""`/search` over HTTP: one client asking in turn, then 8 clients at once.

Client-side latency is the wall time of the request on loopback. Server-side latency is the
`took_ms` the API returns with every page: the search service's own time (validation, query
embedding, FAISS, BM25, fusion, fetching passages), without HTTP parsing and JSON encoding.

The clients are the standard library's keep-alive connections, and only `took_ms` is read
out of each body: the load generator shares the machine's two cores with the server, and
every millisecond it spends is one the server does not get.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from eval.bench.stats import percentiles_ms

PAGE_K = 10
_TOOK = re.compile(rb'"took_ms":\s*([0-9.eE+-]+)')


@dataclass
class Samples:
    client_s: list[float] = field(default_factory=list)
    server_s: list[float] = field(default_factory=list)
    errors: int = 0


@contextmanager
def connection(url: str, timeout: float = 120) -> Iterator[http.client.HTTPConnection]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        yield conn
    finally:
        conn.close()


def ask(conn: http.client.HTTPConnection, query: str, mode: str, samples: Samples) -> None:
    path = "/search?" + urlencode({"q": query, "mode": mode, "k": PAGE_K})
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    except (http.client.HTTPException, OSError):
        conn.close()  # the next request opens a fresh connection
        samples.errors += 1
        return
    elapsed = time.perf_counter() - started
    took = _TOOK.search(body)
    if response.status != 200 or took is None:
        samples.errors += 1
        return
    samples.client_s.append(elapsed)
    samples.server_s.append(float(took.group(1)) / 1000)


def warm_up(url: str, queries: Sequence[str], modes: Sequence[str]) -> None:
    with connection(url) as conn:
        for mode in modes:
            for query in queries[:3]:
                ask(conn, query, mode, Samples())


def single_client(url: str, queries: Sequence[str], mode: str) -> dict[str, float]:
    """Every query once, in turn, on one keep-alive connection."""
    samples = Samples()
    with connection(url) as conn:
        for query in queries:
            ask(conn, query, mode, samples)
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
        with connection(url) as conn:
            while True:
                with lock:
                    index = next(cursor, None)
                if index is None:
                    break
                ask(conn, queries[index], mode, own)
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
