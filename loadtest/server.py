"""The server under load: the sample indexed, `footnote serve` started, its memory sampled."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tasks.processes import (
    footnote_command,
    serve_command,
    spawn,
    start_worker,
    stop,
    wait_until_up,
)

# The load test measures the server, not the limiter another reader's traffic would hit:
# every locust user shares 127.0.0.1, so the per-client limits would turn it into 429s.
NO_RATE_LIMITS = {"FOOTNOTE_RATE_LIMIT_SEARCH": "0", "FOOTNOTE_RATE_LIMIT_ASK": "0"}


class ServerFailed(RuntimeError):
    """The server or its index could not be brought up; the message says where to look."""


def server_env(data_dir: Path, redis_url: str | None) -> dict[str, str]:
    env = {**os.environ, **NO_RATE_LIMITS, "FOOTNOTE_DATA_DIR": str(data_dir)}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_NUM_THREADS="1")
    # One job process: the API needs the other core of a small box.
    env.setdefault("FOOTNOTE_WORKER_CONCURRENCY", "1")
    env.pop("FOOTNOTE_REDIS_URL", None)
    if redis_url:
        env["FOOTNOTE_REDIS_URL"] = redis_url
    return env


class Indexing:
    """`footnote index` in the background: a no-op when the data dir already holds the
    source. It runs while the server starts; the server loads the snapshot when it lands."""

    def __init__(self, source: Path, env: dict[str, str], log: Path) -> None:
        self.source = source
        self.log = log
        self._process = subprocess.Popen(
            footnote_command("index", str(source), "--json"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=log.open("ab"),
        )

    def wait(self) -> dict[str, object]:
        out, _ = self._process.communicate()
        if self._process.returncode != 0:
            raise ServerFailed(
                f"`footnote index {self.source}` exited {self._process.returncode}; see {self.log}"
            )
        report: dict[str, object] = json.loads(out.decode().strip().splitlines()[-1])
        return report

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


@dataclass
class Server:
    """`footnote serve` on loopback (and `footnote worker` beside it when Redis is used)."""

    port: int
    env: dict[str, str]
    log: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.processes[0].pid

    def start(self) -> None:
        serve = serve_command(self.port, host="127.0.0.1")
        self.processes.append(spawn(serve, self.env, self.log))
        if self.env.get("FOOTNOTE_REDIS_URL"):
            self.processes.append(start_worker(env=self.env, log=self.log))

    def wait_ready(self, timeout_s: float = 300) -> None:
        """Until /readyz says a snapshot is loaded and the model warm."""
        try:
            wait_until_up(self.url, "/readyz", self.processes, [self.log], timeout_s, poll_s=0.5)
        except RuntimeError as exc:
            raise ServerFailed(f"the server did not come up; see {self.log}\n{exc}") from exc

    def stop(self) -> None:
        for process in self.processes:
            stop(process)


@dataclass(frozen=True)
class RssSample:
    t: float  # seconds since sampling started
    server_mb: float  # the API process
    tree_mb: float  # the API with its children (the embedded worker)


class RssSampler:
    """Samples a process's resident memory every `interval_s` on a background thread."""

    def __init__(self, pid: int, interval_s: float = 1.0) -> None:
        self._process = psutil.Process(pid)
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self.samples: list[RssSample] = []
        self.started_at = 0.0

    def __enter__(self) -> RssSampler:
        self.started_at = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append(self._sample())
            except psutil.Error:
                return  # the server is gone; the runner reports that
            self._stop.wait(self._interval_s)

    def _sample(self) -> RssSample:
        own = self._process.memory_info().rss
        children = 0
        for child in self._process.children(recursive=True):
            try:
                children += child.memory_info().rss
            except psutil.Error:
                continue  # a pool process may end between listing and reading
        mb = 1024 * 1024
        return RssSample(time.monotonic() - self.started_at, own / mb, (own + children) / mb)
