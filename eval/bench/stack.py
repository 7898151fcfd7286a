"""The processes a reader and an editor talk to: `footnote serve` and `footnote worker`, on
loopback, over one data directory, each watched for its peak resident memory."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from eval.datasets import PROJECT_ROOT
from tasks.processes import serve_command, spawn, start_worker, stop, wait_until_up

READY_TIMEOUT_S = 300


class PeakRss:
    """Samples a process and its children every `interval` seconds; keeps the peak sum."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        import psutil

        self._process = psutil.Process(pid)
        self._interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                tree = [self._process, *self._process.children(recursive=True)]
                total = 0
                for process in tree:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak_bytes = max(self.peak_bytes, total)
            except psutil.Error:
                return
            self._stop.wait(self._interval)

    @property
    def peak_mb(self) -> float:
        return round(self.peak_bytes / 2**20, 1)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak_mb


@dataclass
class Stack:
    url: str
    token: str
    api_rss: PeakRss
    worker_rss: PeakRss | None
    logs: list[Path] = field(default_factory=list)
    worker_pid: int | None = None

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(p.read_text(errors="replace")[-chars:] for p in self.logs if p.exists())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stack_env(
    data_dir: Path, token: str, redis_url: str | None, onnx_dir: Path | None = None
) -> dict[str, str]:
    """The environment of the served processes: the caller's settings, this data directory,
    the editor token, and no rate limit (the benchmark is the only client). ONNX models stay
    in the bench's cache, not exported anew into every data directory."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(PROJECT_ROOT),
        "FOOTNOTE_DATA_DIR": str(data_dir),
        "FOOTNOTE_EDITOR_TOKEN": token,
        "FOOTNOTE_RATE_LIMIT_SEARCH": "0",
        "FOOTNOTE_RATE_LIMIT_ASK": "0",
        "FOOTNOTE_LOG_FORMAT": "text",
    }
    if onnx_dir is not None:
        env["FOOTNOTE_ONNX_CACHE_DIR"] = str(onnx_dir)
    env.pop("FOOTNOTE_REDIS_URL", None)
    if redis_url:
        env["FOOTNOTE_REDIS_URL"] = redis_url
    return env


@contextmanager
def running_stack(
    data_dir: Path,
    logs: Path,
    onnx_dir: Path | None,
    with_worker: bool,
    redis_url: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    worker_concurrency: int = 1,
    settings_env: Mapping[str, str] | None = None,
    beat: bool | None = None,
) -> Iterator[Stack]:
    """`footnote serve --no-worker` (and `footnote worker` when asked) until the block ends.
    Without Redis the worker uses the embedded SQLite broker in the data directory, exactly
    what `footnote serve` starts by itself. `extra_env` and `settings_env` add FOOTNOTE_
    settings to both; with FOOTNOTE_SYNC_SOURCES among them, the worker runs the periodic
    sync (beat) too, as `footnote serve` would. `beat` says whether it runs beat regardless
    (in Redis mode beat also folds the analytics stream)."""
    token = secrets.token_urlsafe(16)
    env = {
        **stack_env(data_dir, token, redis_url, onnx_dir),
        **(extra_env or {}),
        **(settings_env or {}),
    }
    if beat is None:
        beat = "FOOTNOTE_SYNC_SOURCES" in env
    port = free_port()
    logs.mkdir(parents=True, exist_ok=True)
    started: list[subprocess.Popen[bytes]] = []
    log_files = [logs / f"api-{port}.log"]
    try:
        serve = serve_command(port, with_worker=False)
        api = spawn(serve, env, log_files[0], PROJECT_ROOT)
        started.append(api)
        worker = None
        if with_worker:
            log_files.append(logs / f"worker-{port}.log")
            worker = start_worker(
                data_dir, worker_concurrency, env, log_files[1], PROJECT_ROOT, beat=beat
            )
            started.append(worker)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, "/readyz", [api], log_files[:1], timeout_s=READY_TIMEOUT_S)
        stack = Stack(
            url,
            token,
            PeakRss(api.pid),
            PeakRss(worker.pid) if worker else None,
            log_files,
            worker.pid if worker else None,
        )
        try:
            yield stack
        finally:
            stack.api_rss.stop()
            if stack.worker_rss:
                stack.worker_rss.stop()
    finally:
        for process in reversed(started):
            stop(process, timeout_s=20)
