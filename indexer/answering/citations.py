"""Citation markers in a generated answer: checked, renumbered, and rewritten as they stream.

The model is told to cite the numbered passages it was given as `[1]`, `[2][3]` or `[1, 2]`.
Whatever it writes, the answer that leaves here cites only passages that were supplied:

- a marker group is `[` numbers `]`, numbers separated by `,` `;` `and` or a range `2-4`, with
  an optional `passage`/`source` word (`[Passage 2]`); text in Markdown code spans and fences
  (`results[1]`) is code, never a citation;
- a number outside 1..supplied is removed from the text and reported in `removed`; a group left
  empty takes the spaces before it along (`Also [7].` becomes `Also.`);
- kept numbers are renumbered densely 1..m in order of first appearance and written in one
  form, `[1][2]`, so a reader's client has a single pattern to link.

`rewrite_citations` does this for a whole text; `CitationStream` does it for a stream of
deltas, holding back only what later text could still change (a half-written marker, trailing
spaces, a backtick run), so the streamed text is always a prefix of the final one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"`+|\[[^\[\]\n]{1,60}\]")
_MARKER = re.compile(
    r"\[\s*(?:(?:passages?|sources?)\s*)?"
    r"(\d{1,3}(?:\s*(?:,|;|\band\b|-|–)\s*(?:(?:passages?|sources?)\s*)?\d{1,3})*)\s*\]",
    re.IGNORECASE,
)
_PART = re.compile(r"(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?")
# What later text can still change: trailing spaces, an unclosed `[...`, a backtick run.
_UNSTABLE_TAIL = re.compile(r"\s*(?:\[[^\[\]\n]{0,60}|`+)?\Z")
_WIDEST_RANGE = 20
_ANY_NUMBER = 999  # markers hold at most three digits


@dataclass(frozen=True)
class CheckedText:
    """`text` with every marker checked. `order[i]` is the supplied passage number that became
    citation `i + 1`; `removed` lists the markers dropped, one `[n]` per bad number."""

    text: str
    order: tuple[int, ...]
    removed: tuple[str, ...]


def marker_numbers(marker: str) -> list[int] | None:
    """The numbers a marker group refers to, in order; None if `marker` is not one."""
    match = _MARKER.fullmatch(marker)
    if match is None:
        return None
    numbers: list[int] = []
    for part in _PART.finditer(match.group(1)):
        first = int(part.group(1))
        last = int(part.group(2)) if part.group(2) else first
        if first <= last <= first + _WIDEST_RANGE:
            numbers.extend(range(first, last + 1))
        else:
            numbers.extend((first, last))
    return numbers


def rewrite_citations(text: str, supplied: int) -> CheckedText:
    """Check every marker of `text` against passages 1..`supplied` (see the module docstring)."""
    out: list[str] = []
    dense: dict[int, int] = {}
    removed: list[str] = []
    code_run = 0  # length of the backtick run that opened the current code span, 0 outside
    position = 0
    for token in _TOKEN.finditer(text):
        out.append(text[position : token.start()])
        position = token.end()
        piece = token.group()
        if piece.startswith("`"):
            if code_run == 0:
                code_run = len(piece)
            elif len(piece) == code_run:
                code_run = 0
            out.append(piece)
            continue
        numbers = None if code_run else marker_numbers(piece)
        if numbers is None:
            out.append(piece)
            continue
        kept: list[int] = []
        for number in numbers:
            if 1 <= number <= supplied:
                kept.append(dense.setdefault(number, len(dense) + 1))
            else:
                removed.append(f"[{number}]")
        if kept:
            out.append("".join(f"[{n}]" for n in dict.fromkeys(kept)))
        else:
            out = ["".join(out).rstrip(" \t")]
    out.append(text[position:])
    return CheckedText("".join(out).strip(), tuple(dense), tuple(removed))


def cited_numbers(text: str) -> tuple[int, ...]:
    """The citation numbers an already checked answer uses, in order of first use (markers
    inside code spans are not citations)."""
    return rewrite_citations(text, _ANY_NUMBER).order


@dataclass
class CitationStream:
    """Rewrites citations in a stream of text deltas; see the module docstring."""

    supplied: int
    _raw: list[str] = field(default_factory=list)
    _sent: str = ""

    def feed(self, delta: str) -> str:
        """The next piece of the rewritten text that is final ('' if none yet)."""
        self._raw.append(delta)
        raw = "".join(self._raw)
        tail = _UNSTABLE_TAIL.search(raw)
        stable = raw[: tail.start()] if tail else raw
        return self._advance(rewrite_citations(stable, self.supplied).text)

    def finish(self) -> tuple[str, CheckedText]:
        """The rest of the rewritten text, and the whole result."""
        checked = rewrite_citations("".join(self._raw), self.supplied)
        return self._advance(checked.text), checked

    def _advance(self, text: str) -> str:
        # Holding back unstable tails makes each rewrite extend the last; should a case slip
        # through, nothing already sent is contradicted: the remainder is simply not streamed.
        if not text.startswith(self._sent):
            return ""
        delta, self._sent = text[len(self._sent) :], text
        return delta
