"""What a reader typed, as something to search for: or why it is nothing to search for."""

from __future__ import annotations

import re
import unicodedata

from indexer.errors import InvalidQuery
from indexer.text.unicode import SOMETHING_TO_READ

# Controls, formatting characters (zero-width space, bidi marks, soft hyphen), separators and
# combining marks with no letter to sit on show nothing: a query of only these used to match
# everything a little. The rule is a pattern so that the API's schema states it exactly.
_VISIBLE = re.compile(SOMETHING_TO_READ)


def readable_text(text: str, what: str = "query") -> str:
    """`text` with control characters dropped and whitespace collapsed. InvalidQuery, with the
    message an empty `what` gets, when nothing visible is left."""
    spaced = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    cleaned = " ".join(spaced.split())
    if not cleaned:
        raise InvalidQuery(f"the {what} is empty: {_ASK[what]}")
    if not _VISIBLE.search(cleaned):
        raise InvalidQuery(
            f"the {what} is empty: it holds only invisible characters or marks; {_ASK[what]}"
        )
    return cleaned


_ASK = {
    "query": "type a few words to search for",
    "question": "type what you want to know",
}
