"""Starting and stopping Footnote's processes: `footnote serve`, `footnote worker` or the plain
Celery command, started, waited for and stopped the same way by `footnote serve` (its embedded
worker), the tests, the load test and the bench.

Standard library only (urllib rather than httpx, no Celery), so importing this is cheap and
adds no dependency to whoever starts a process."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

LOG_TAIL_CHARS = 3000
# This interpreter and `-m`: works where the `footnote` console script is not on PATH.
FOOTNOTE = (sys.executable, "-m", "footnote.cli")
PR_SET_PDEATHSIG = 1


def footnote_command(*args: str) -> list[str]:
    """`footnote ARGS` as an argument list for `spawn` or `subprocess.run`."""
    return [*FOOTNOTE, *args]


def worker_command(
    data_dir: Path | None = None, concurrency: int | None = None, beat: bool = False
) -> list[str]:
    """`footnote worker`; without `data_dir` it takes FOOTNOTE_DATA_DIR from its environment.
    `beat`: with the periodic scheduler (the sync) embedded."""
    command = footnote_command("worker")
    if concurrency is not None:
        command += ["--concurrency", str(concurrency)]
    if beat:
        command.append("--beat")
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return command


def serve_command(
    port: int, host: str | None = None, data_dir: Path | None = None, with_worker: bool = True
) -> list[str]:
    """`footnote serve` on `port`; `with_worker=False` adds `--no-worker`."""
    command = footnote_command("serve", "--port", str(port))
    if host is not None:
        command += ["--host", host]
    if not with_worker:
        command.append("--no-worker")
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return command


def spawn(
    command: Sequence[str],
    env: dict[str, str] | None = None,
    log: Path | None = None,
    cwd: Path | None = None,
    die_with_parent: bool = False,
) -> subprocess.Popen[bytes]:
    """Start `command` with stdout and stderr appended to `log` (without one: the caller's).

    The child leads a session of its own, so its process group holds exactly what it starts
    (a Celery worker's pool, the worker `footnote serve` embeds) and `stop` can reach all of
    it without touching the caller. The parent's handle on the log is closed at once: the
    child keeps its own, and a long test session does not pile up open files.
    `die_with_parent`: the child gets SIGTERM when the calling thread ends, however it ends
    (Linux; elsewhere the flag does nothing)."""
    preexec = _parent_death_signal() if die_with_parent else None
    if log is None:
        return subprocess.Popen(
            list(command), cwd=cwd, env=env, start_new_session=True, preexec_fn=preexec
        )
    with log.open("ab") as out:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,
        )


def start_worker(
    data_dir: Path | None = None,
    concurrency: int | None = None,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    cwd: Path | None = None,
    beat: bool = False,
) -> subprocess.Popen[bytes]:
    """`footnote worker`, stopped by the kernel if its starter dies: a worker left running
    would keep consuming jobs for a server (or a test run) that is gone."""
    command = worker_command(data_dir, concurrency, beat)
    return spawn(command, env, log, cwd, die_with_parent=True)


def _parent_death_signal() -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    # Looked up here, before the fork: the child should run as little Python as it can
    # between fork and exec, and a dlopen there could deadlock on a lock held at fork time.
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def set_signal() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_signal


def stop(process: subprocess.Popen[bytes], timeout_s: float = 20, warm: bool = False) -> None:
    """SIGTERM, `timeout_s` to shut down cleanly, then SIGKILL to the whole process group.

    By default SIGTERM goes to the group, not only the leader, so a worker's pool children
    cannot outlive it holding the data directory's lock or a broker connection. `warm=True`
    sends it to the leader alone: a Celery worker then lets its pool finish the running task
    (a warm shutdown) instead of the pool dying at once. Safe on a process that has already
    exited (or was killed by the caller)."""
    if process.poll() is not None:
        return
    if warm:
        process.send_signal(signal.SIGTERM)
    else:
        _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        # A warm shutdown can hang on a busy pool process; acks_late redelivers its job.
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass  # the group ended between the check and the signal


def wait_until_up(
    url: str,
    path: str,
    processes: Sequence[subprocess.Popen[bytes]],
    logs: Sequence[Path],
    timeout_s: float,
    poll_s: float = 0.3,
) -> None:
    """Return once `GET {url}{path}` answers 200 (`/healthz`: the process serves;
    `/readyz`: a snapshot is loaded and the model warm).

    Fails fast if any of `processes` exits meanwhile: a server that crashed on start-up
    would otherwise cost the whole timeout. The RuntimeError names the url and carries the
    tail of each log, which is where the reason is."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{process.args!r} exited with {process.returncode} before {url}{path} "
                    f"answered:\n{log_tails(logs)}"
                )
        if _answers_200(f"{url}{path}"):
            return
        time.sleep(poll_s)
    raise RuntimeError(f"{url}{path} did not answer 200 within {timeout_s} s:\n{log_tails(logs)}")


def _answers_200(address: str) -> bool:
    try:
        with urllib.request.urlopen(address, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, http.client.HTTPException):
        # URLError and HTTPError (a 503 while not ready) are OSErrors too.
        return False


def log_tails(logs: Sequence[Path], chars: int = LOG_TAIL_CHARS) -> str:
    """The last `chars` of each log that exists, each under its file name."""
    return "\n".join(
        f"--- {log.name} ---\n{log.read_text(errors='replace')[-chars:]}"
        for log in logs
        if log.exists()
    )
