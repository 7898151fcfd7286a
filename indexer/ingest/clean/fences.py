"""Where fenced code blocks lie in a text, so template passes can leave them alone."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)


def outside_fences(text: str) -> Callable[[int], bool]:
    """Whether an offset of `text` lies outside its fenced code blocks."""
    bounds: list[int] = []
    opened: str | None = None
    for match in _FENCE.finditer(text):
        marker = match.group(1)
        if opened is None:
            opened = marker
            bounds.append(match.start())
        elif marker[0] == opened[0] and len(marker) >= len(opened):
            line_end = text.find("\n", match.end())
            bounds.append(len(text) if line_end < 0 else line_end)
            opened = None
    if opened is not None:
        bounds.append(len(text))

    def allowed(offset: int) -> bool:
        return bisect_right(bounds, offset) % 2 == 0

    return allowed
