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


# Whitespace, control and invisible formatting characters (bidi overrides, zero-width spaces)
# of the Basic Multilingual Plane: Unicode 14's Cc, Cf and white space as ranges, written out
# because `re` has no categories and the API's schema must read them too (a test holds them to
# `unicodedata`). Browsers drop some from URLs, which turns `/<tab>/x` into `//x`.
UNSEEN = (
    r"\x00-\x20\x7f-\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u1680\u180e"
    r"\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff\ufff9-\ufffb"
)
# The blocks of combining marks that sit on a letter and show nothing alone.
COMBINING = r"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
SOMETHING_TO_READ = f"[^{UNSEEN}{COMBINING}]"
"""A pattern one visible character matches: a query or question must hold one. The API's
schema publishes the same pattern, so clients and the server apply one rule."""
