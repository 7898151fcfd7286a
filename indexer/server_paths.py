"""Messages for people outside the server: the same text, without the server's directories.

Errors name the files they are about, which is what an operator at a terminal or reading the
log needs. An HTTP client needs the reason, not the layout of the machine: every message an
HTTP response or a job record carries passes through `ServerPaths.hide` first, which writes
each configured directory (and the interpreter's, the home and temporary directories) as a
neutral word, so `/srv/footnote/data/snapshots/00000003` reads `[data dir]/snapshots/00000003`.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from indexer.config import Settings


class ServerPaths:
    def __init__(self, named: Iterable[tuple[Path | str | None, str]]) -> None:
        spelled: dict[str, str] = {}
        for path, word in named:
            if path is None:
                continue
            for form in _spellings(Path(path)):
                spelled.setdefault(form, word)
        self._words = spelled
        # Longest first: the data directory inside the home directory must win over `~`. A
        # directory counts only as a whole path component (`/srv/data`, not `/srv/data2`).
        alternatives = "|".join(re.escape(p) for p in sorted(spelled, key=len, reverse=True))
        self._pattern = re.compile(rf"(?:{alternatives})(?![^/\s'\"():,;\]])") if spelled else None

    @classmethod
    def of(cls, settings: Settings) -> ServerPaths:
        return cls(
            [
                (settings.data_dir, "[data dir]"),
                (settings.source_dir, "[source dir]"),
                (settings.model_dir, "[model dir]"),
                (settings.onnx_dir, "[onnx cache]"),
                (sys.prefix, "[python]"),
                (sys.base_prefix, "[python]"),
                (tempfile.gettempdir(), "[tmp]"),
                (Path.home(), "~"),
            ]
        )

    def hide(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: self._words[match.group()], text)


def _spellings(path: Path) -> list[str]:
    """The absolute forms a message may use for `path`: as configured and resolved. A relative
    path names no server directory, and `/` alone would replace every slash."""
    forms = {str(path)} if path.is_absolute() else set()
    try:
        forms.add(str(path.resolve()))
    except (OSError, RuntimeError):
        pass
    return [f.rstrip(os.sep) for f in forms if len(f.rstrip(os.sep)) > 1]
