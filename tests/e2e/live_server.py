"""The server the e2e tests drive: where it listens, its data, and `footnote` commands over it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.builders import ROOT


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    articles: Path

    def footnote(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "footnote.cli", *args, "--data-dir", str(self.data_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=server_env(),
            timeout=600,
        )


def server_env() -> dict[str, str]:
    # One browser and a few threads on loopback are one client to the rate limiter: lift it.
    unlimited = {"FOOTNOTE_RATE_LIMIT_SEARCH": "0", "FOOTNOTE_RATE_LIMIT_ASK": "0"}
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **unlimited}
