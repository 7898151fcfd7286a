"""Whether text can be stored and encoded at all: every loader checks it, and so does the
chunker for articles that arrive without a loader (the API's upserts)."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def unicode_problem(text: str) -> tuple[str, int] | None:
    """Why `text` is not valid Unicode, and on which line; None when it is.

    A lone surrogate (from a JSON or YAML escape such as \\ud800) cannot be stored or
    encoded, so it must stop at the loader rather than fail a job later.
    """
    match = _SURROGATE.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    return f"not valid Unicode: lone surrogate U+{ord(match.group()):04X}", line
