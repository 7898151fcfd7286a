"""Heading anchors as each generator makes them, so a deep link lands on the real section.

Two things differ between generators: what text is slugged and how.
- goldmark (Go's sites) and Hugo slug the heading's *source* line, so a link's URL becomes
  part of the id; GitHub, kramdown and Zola slug the *rendered* text (links reduced to their
  words). The caller hands over both and the style picks.
- The slug rules and the suffix for a repeated heading (all: "-1", "-2"...).
An explicit `{#id}` always wins, and is counted as taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from text_unidecode import unidecode

STYLES = (
    "github", "goldmark", "hugo", "hugo-ascii", "blackfriday", "kramdown", "kramdown-gfm",
    "zola", "zola-safe", "zola-off", "none",
)  # fmt: skip
_SOURCE_STYLES = frozenset({"goldmark", "hugo", "hugo-ascii", "blackfriday"})
_FALLBACK = {"goldmark": "heading", "hugo": "heading", "hugo-ascii": "heading",
             "blackfriday": "heading", "kramdown": "section"}  # fmt: skip


def _github(text: str) -> str:
    kept = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return kept.replace(" ", "-")


def _goldmark(text: str) -> str:
    # goldmark's own generator: ASCII letters and digits; space, '-' and '_' become '-'.
    out = []
    for char in text.strip():
        if char.isascii() and char.isalnum():
            out.append(char.lower())
        elif char in " \t-_":
            out.append("-")
    return "".join(out)


def _hugo(text: str, ascii_only: bool = False) -> str:
    if ascii_only:
        text = "".join(
            c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
        )
    out = []
    for char in text.strip():
        if ascii_only and not char.isascii():
            continue
        if char in " \t-":
            out.append("-")
        elif char == "_" or unicodedata.category(char)[0] in "LN" and _hugo_digit(char):
            out.append(char.lower())
    return "".join(out)


def _hugo_digit(char: str) -> bool:
    # Go's unicode.IsDigit is Nd only; other numbers (², ½) are dropped.
    category = unicodedata.category(char)
    return category[0] == "L" or category == "Nd"


def _blackfriday(text: str) -> str:
    words = re.split(r"[^\w]|_", text, flags=re.UNICODE)
    return "-".join(w.lower() for w in words if w)


def _kramdown(text: str) -> str:
    kept = re.sub(r"^[^a-zA-Z]+", "", text)
    kept = re.sub(r"[^a-zA-Z0-9 -]", "", kept)
    return kept.replace(" ", "-").lower()


def _kramdown_gfm(text: str) -> str:
    kept = re.sub(r"[^\w\- \t]", "", text.lower())
    return re.sub(r"[ \t]", "-", kept)


def zola_slug(text: str) -> str:
    """The `slug` crate Zola uses: transliterated to ASCII, lowercase, any run of other
    characters one '-', none at either end."""
    ascii_text = unidecode(text)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _zola_safe(text: str) -> str:
    return re.sub(r'[<>:/|?*#\\()\[\]"\n\t\r]', "", text.strip()).replace(" ", "_")


_SLUGGERS: dict[str, Callable[[str], str]] = {
    "github": _github,
    "goldmark": _goldmark,
    "hugo": _hugo,
    "hugo-ascii": lambda text: _hugo(text, ascii_only=True),
    "blackfriday": _blackfriday,
    "kramdown": _kramdown,
    "kramdown-gfm": _kramdown_gfm,
    "zola": zola_slug,
    "zola-safe": _zola_safe,
    "zola-off": lambda text: text.strip(),
}


class AnchorMaker:
    """Anchors for one page's headings, in document order, in one generator's style."""

    def __init__(self, style: str) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown anchor style {style!r}; one of {', '.join(STYLES)}")
        self.style = style
        self._taken: set[str] = set()
        self._counts: dict[str, int] = {}

    def explicit(self, anchor: str) -> str:
        self._taken.add(anchor)
        return anchor

    def make(self, source: str, rendered: str) -> str | None:
        """The anchor of a heading whose source line is `source` and whose text is
        `rendered`; None when the generator gives this heading none."""
        if self.style == "none":
            return None
        slug = _SLUGGERS[self.style](source if self.style in _SOURCE_STYLES else rendered)
        if not slug:
            slug = _FALLBACK.get(self.style, "")
            if not slug:
                return None
        anchor = slug
        count = self._counts.get(slug, 0)
        while anchor in self._taken:
            count += 1
            anchor = f"{slug}-{count}"
        self._counts[slug] = count
        self._taken.add(anchor)
        return anchor
