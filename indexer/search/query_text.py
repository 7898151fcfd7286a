"""What a reader typed, as something to search for: or why it is nothing to search for."""

from __future__ import annotations

import unicodedata

from indexer.errors import InvalidQuery

# Characters that show nothing by themselves: controls (NUL), formatting (zero-width space,
# bidi marks, soft hyphen), unassigned and private code points, separators, and combining marks
# with no letter to sit on. A query of only these used to match everything a little.
_NOTHING_TO_READ = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})


def readable_text(text: str, what: str = "query") -> str:
    """`text` with control characters dropped and whitespace collapsed. InvalidQuery, with the
    message an empty `what` gets, when nothing visible is left."""
    spaced = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    cleaned = " ".join(spaced.split())
    if not cleaned:
        raise InvalidQuery(f"the {what} is empty: {_ASK[what]}")
    if all(unicodedata.category(c) in _NOTHING_TO_READ for c in cleaned):
        raise InvalidQuery(
            f"the {what} is empty: it holds only invisible characters or marks; {_ASK[what]}"
        )
    return cleaned


_ASK = {
    "query": "type a few words to search for",
    "question": "type what you want to know",
}
