"""Article ids: one alphabet, whichever way an article arrives.

An id travels in URL paths (`/articles/{id}`), log lines and job records, so it holds only
characters that read the same everywhere and need no escaping: ASCII letters and digits, `_`,
`-`, `.` and `~` (RFC 3986's unreserved characters); 1 to 200 of them, not starting with `.`
(so never `.` or `..`, which name other paths). No slash: `/articles/{id}` is one path segment.
ASCII also rules out look-alike letters from other scripts (a Cyrillic `а` in `pаypal`).

`ID_PATTERN` is the rule itself: the loaders match ids with it, and the HTTP API publishes it in
its schema, so a client and the server cannot disagree on what an id is.

An id someone wrote (a record's `id`, a front matter `slug`, the path of an API upsert) must
already be in the alphabet; it is refused, never rewritten, so the id stored is the id sent.
An id a loader works out (from a file name, a link, a feed's guid) is made to fit by
`derived_id`, the one place that rewrites.
"""

from __future__ import annotations

import re
import unicodedata

MAX_ID_CHARS = 200
ID_PATTERN = rf"[A-Za-z0-9_~-][A-Za-z0-9_.~-]{{0,{MAX_ID_CHARS - 1}}}"
ID_RULE = (
    f"an article id is 1 to {MAX_ID_CHARS} ASCII letters, digits, '_', '-', '.' or '~', "
    "not starting with '.'"
)
_ID = re.compile(ID_PATTERN)
_ID_CHAR = re.compile(r"[A-Za-z0-9_.~-]")
_SHOWN_CHARS = 60


def id_problem(candidate: str) -> str | None:
    """What keeps `candidate` out of the alphabet, or None when it is a valid id."""
    if _ID.fullmatch(candidate):
        return None
    if not candidate:
        return "is empty"
    if len(candidate) > MAX_ID_CHARS:
        return f"is {len(candidate)} characters long"
    if candidate.startswith("."):
        return "starts with '.'"
    position, char = next((i, c) for i, c in enumerate(candidate, 1) if not _ID_CHAR.match(c))
    return f"holds {_describe(char)} at position {position}"


def checked_id(candidate: str, field: str = "id") -> str:
    """`candidate` unchanged when it is a valid id; else ValueError saying why and the rule."""
    problem = id_problem(candidate)
    if problem is not None:
        raise ValueError(f"{field}: article id {_shown(candidate)} {problem}: {ID_RULE}")
    return candidate


def derived_id(text: str) -> str | None:
    """`text` (a file name, a link's last segment, a guid) as an id: accents taken off letters
    (`café` gives `cafe`), each run of other characters outside the alphabet made one `-`, `-`
    trimmed at both ends and `.` at the start. None when nothing usable is left (a title in
    another script) or too much, so the loader asks for an explicit id."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    kept = "".join(c if _ID_CHAR.match(c) else "\0" for c in bare)
    slug = re.sub("\0+", "-", kept).strip("-").lstrip(".").lstrip("-")
    return slug if _ID.fullmatch(slug) else None


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _shown(candidate: str) -> str:
    """The id as ASCII with escapes (never raw control or bidi characters), cut when long."""
    shown = candidate if len(candidate) <= _SHOWN_CHARS else candidate[:_SHOWN_CHARS] + "..."
    return ascii(shown)
