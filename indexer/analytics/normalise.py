"""The one normal form of what a reader typed, so that counting groups trivial variants."""

from __future__ import annotations

import unicodedata

_EDGE_PUNCTUATION = " \t\n?!.,;:'\"()[]{}¿¡"
MAX_CHARS = 500


def normalise(text: str) -> str:
    """NFKC, case-folded, one space between words, no punctuation at either end."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(_EDGE_PUNCTUATION)[:MAX_CHARS]
