"""Article ids: one alphabet, whichever way an article arrives.

An id travels in URL paths (`/articles/{id}`), log lines and job records, so it holds only
characters that read the same everywhere and need no escaping: segments of ASCII letters and
digits, `_`, `-`, `.` and `~` (RFC 3986's unreserved characters) joined by single `/`, as a
site's own paths are (`blog/2023/fast-builds`; a page bundle's folder is its id); 1 to 200
characters, no segment starting with `.` (so never `.` or `..`, which name other paths), no
leading, trailing or doubled `/`.
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
_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*"
ID_PATTERN = rf"{_SEGMENT}(?:/{_SEGMENT})*"
ID_RULE = (
    f"an article id is 1 to {MAX_ID_CHARS} characters: segments of ASCII letters, digits, "
    "'_', '-', '.' or '~' joined by single '/', no segment starting with '.'"
)
_ID = re.compile(ID_PATTERN)
_ID_CHAR = re.compile(r"[A-Za-z0-9_.~/-]")
_SHOWN_CHARS = 60


def id_problem(candidate: str) -> str | None:
    """What keeps `candidate` out of the alphabet, or None when it is a valid id."""
    if len(candidate) > MAX_ID_CHARS:
        return f"is {len(candidate)} characters long"
    if _ID.fullmatch(candidate):
        return None
    if not candidate:
        return "is empty"
    segments = candidate.split("/")
    if "" in segments:
        return "has an empty path segment (a leading, trailing or doubled '/')"
    if any(segment.startswith(".") for segment in segments):
        return "has a segment starting with '.'"
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
    kept = "".join(c if c != "/" and _ID_CHAR.match(c) else "\0" for c in bare)
    slug = re.sub("\0+", "-", kept).strip("-").lstrip(".").lstrip("-")
    return slug if _ID.fullmatch(slug) and len(slug) <= MAX_ID_CHARS else None


def derived_path_id(path: str) -> str | None:
    """A source-relative path (`2023/My Post`) as an id: each segment made to fit by
    `derived_id`, joined by `/`; None when a segment has nothing usable left."""
    segments = [derived_id(segment) for segment in path.split("/") if segment]
    if not segments or any(segment is None for segment in segments):
        return None
    joined = "/".join(s for s in segments if s)
    return joined if len(joined) <= MAX_ID_CHARS else None


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _shown(candidate: str) -> str:
    """The id as ASCII with escapes (never raw control or bidi characters), cut when long."""
    shown = candidate if len(candidate) <= _SHOWN_CHARS else candidate[:_SHOWN_CHARS] + "..."
    return ascii(shown)
