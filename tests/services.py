"""Real services the tests need and start themselves when the machine lacks them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    """A Redis URL: FOOTNOTE_TEST_REDIS_URL, else a local redis-server on 6379, else one we
    start on a free port. Fails with what is missing when none of these can be had."""
    given = os.environ.get("FOOTNOTE_TEST_REDIS_URL")
    candidates = [given] if given else ["redis://127.0.0.1:6379/14"]
    for url in candidates:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            continue
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "these tests need Redis: none answers on 127.0.0.1:6379 and `redis-server` is not "
            "installed (apt-get install redis-server, or set FOOTNOTE_TEST_REDIS_URL)"
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
