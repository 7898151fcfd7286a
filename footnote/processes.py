"""Child processes for the bench and the tests: `footnote serve`, `footnote worker`, or the
plain Celery command, started, waited for and stopped the same way everywhere.

Standard library only (urllib rather than httpx), so importing this costs no extra
dependency in the product package."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

LOG_TAIL_CHARS = 3000


def spawn(
    command: Sequence[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `command` with stdout and stderr appended to `log`.

    The child leads a session of its own, so its process group holds exactly what it starts
    (a Celery worker's pool, the worker `footnote serve` embeds) and `stop` can reach all of
    it without touching the caller. The parent's handle on the log is closed at once: the
    child keeps its own, and a long test session does not pile up open files."""
    with log.open("ab") as out:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
    """SIGTERM to the process group, `timeout_s` to shut down cleanly, then SIGKILL.

    Signalling the group, not only the leader, means a worker's pool children cannot outlive
    it holding the data directory's lock or a broker connection. Safe on a process that has
    already exited (or was killed by the caller)."""
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
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
