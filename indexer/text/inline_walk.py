"""Lining up markdown-it's inline tokens with the passage they came from.

markdown-it hands back tokens (`em_open`, `text`, `code_inline`...) without offsets. Walking
them along the inline content, every character is either shown (as written, or as the
character an entity or escape stands for) or hidden as a mark, which gives each piece its
offsets in the source. Anything that does not line up raises `Misaligned`, and the caller
shows that piece as written: a reader may then see a stray mark, never lose a word.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

Style = frozenset[str]  # of "em", "strong", "code", "block" (a code block)
_PLAIN: Style = frozenset()
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACE = " \t\n"
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(frozen=True, slots=True)
class Run:
    """`text[start:end]` of the passage, shown to a reader as `shown` ("" hides a mark)."""

    start: int
    end: int
    shown: str
    style: Style = _PLAIN
    href: str | None = None  # the link target as written; see passage_html for what is safe

    @property
    def exact(self) -> bool:
        """Whether each source character is shown as one character (a highlight can split it)."""
        return len(self.shown) == self.end - self.start


class Misaligned(Exception):
    """The tokens do not line up with the source."""


class InlineWalk:
    """Walks one inline token's children along its content, emitting runs in source offsets."""

    def __init__(self, content: str, where: list[int]) -> None:
        self.content, self.where = content, where
        self.at = 0
        self.out: list[Run] = []

    def walk(self, children: Sequence[Token] | None) -> list[Run]:
        self._children(children or [], _PLAIN, None)
        return self.out

    def _children(self, children: Sequence[Token], style: Style, href: str | None) -> None:
        open_count = dict.fromkeys(("em", "strong"), 0)  # `*a *b* c*` nests em in em
        for token in children:
            kind, _, nesting = token.type.rpartition("_")
            if kind in open_count and nesting in ("open", "close"):
                self._mark(token.markup)
                open_count[kind] += 1 if nesting == "open" else -1
                inherited = style - open_count.keys()
                style = inherited | {name for name, count in open_count.items() if count > 0}
            elif token.type == "text":
                self._text(token.content, style, href)
            elif token.type == "code_inline":
                self._code(token, style | {"code"}, href)
            elif token.type in ("softbreak", "hardbreak"):
                self._break()
            elif token.type == "link_open":
                self._mark("<" if token.markup == "autolink" else "[")
                target = token.attrGet("href")
                href = target if isinstance(target, str) else None
            elif token.type == "link_close":
                self._mark(">") if token.markup == "autolink" else self._link_tail()
                href = None
            elif token.type == "image":
                self._mark("![")
                self._children(token.children or [], style, href)
                self._link_tail()
            else:
                raise Misaligned(token.type)

    def _emit(
        self, start: int, end: int, shown: str | None, style: Style, href: str | None
    ) -> None:
        """Content[start:end] shown as `shown` (None: as written), one run per source line."""
        if start == end:
            return
        where = self.where
        if where[end - 1] - where[start] == end - 1 - start and (shown is None or shown == ""):
            # One stretch of one line (almost always): one run.
            piece = self.content[start:end] if shown is None else shown
            self.out.append(Run(where[start], where[end - 1] + 1, piece, style, href))
            return
        if shown is not None and len(shown) != end - start:
            self.out.append(Run(where[start], where[end - 1] + 1, shown, style, href))
            return
        first = start
        for index in range(start + 1, end + 1):
            if index == end or where[index] != where[index - 1] + 1:
                piece = (
                    self.content[first:index]
                    if shown is None
                    else shown[first - start : index - start]
                )
                self.out.append(Run(where[first], where[index - 1] + 1, piece, style, href))
                first = index

    def _mark(self, mark: str) -> None:
        if not self.content.startswith(mark, self.at):
            raise Misaligned(mark)
        self._hide_to(self.at + len(mark))

    def _hide_to(self, end: int) -> None:
        if end > self.at:
            self._emit(self.at, end, "", _PLAIN, None)
        self.at = end

    def _text(self, expected: str, style: Style, href: str | None) -> None:
        """Matches `expected` against the content, hiding backslash escapes and showing an
        entity (`&amp;`) as the character it stands for."""
        content, at, done = self.content, self.at, 0
        if content.startswith(expected, at) and "\\" not in expected and "&" not in expected:
            self._emit(at, at + len(expected), None, style, href)
            self.at = at + len(expected)
            return
        same = at  # start of the stretch shown exactly as written
        while done < len(expected):
            char = content[at] if at < len(content) else ""
            escaped = content[at + 1] if char == "\\" and at + 1 < len(content) else ""
            if escaped in _PUNCTUATION and escaped == expected[done]:
                self._emit(same, at, None, style, href)
                self._emit(at, at + 1, "", _PLAIN, None)
                same, at, done = at + 1, at + 2, done + 1
            elif char == "&" and (entity := _ENTITY.match(content, at)):
                decoded = html.unescape(entity.group())
                if not expected.startswith(decoded, done):
                    raise Misaligned(expected)
                self._emit(same, at, None, style, href)
                self._emit(at, entity.end(), decoded, style, href)
                same, at, done = entity.end(), entity.end(), done + len(decoded)
            elif char and char == expected[done]:
                at, done = at + 1, done + 1
            else:
                raise Misaligned(expected)
        self._emit(same, at, None, style, href)
        self.at = at

    def _code(self, token: Token, style: Style, href: str | None) -> None:
        fence = token.markup
        self._mark(fence)
        close = self.content.find(fence, self.at)
        while close >= 0 and self.content.startswith("`", close + len(fence)):
            close = self.content.find(fence, close + len(fence) + 1)
        if close < 0:
            raise Misaligned(fence)
        inner = self.content[self.at : close]
        # CommonMark drops one space on each side and reads line breaks as spaces.
        if len(inner) == len(token.content) + 2 and inner[0] in _SPACE and inner[-1] in _SPACE:
            self._hide_to(self.at + 1)
            inner = inner[1:-1]
        if inner.replace("\n", " ") != token.content:
            raise Misaligned(token.content)
        self._emit(self.at, self.at + len(inner), token.content, style, href)
        self.at += len(inner)
        if close > self.at:
            self._hide_to(close)
        self._mark(fence)

    def _break(self) -> None:
        """A line break, shown as written but for the backslash of a `\\` hard break."""
        content, at = self.content, self.at
        newline = content.find("\n", at)
        if newline < 0 or content[at:newline].strip(" \t\\"):
            raise Misaligned("line break")
        if content.startswith("\\", newline - 1) and newline - 1 >= at:
            self._emit(at, newline - 1, None, _PLAIN, None)
            self._emit(newline - 1, newline, "", _PLAIN, None)
            at = newline
        indent = newline + 1
        while indent < len(content) and content[indent] in " \t":
            indent += 1
        self._emit(at, indent, None, _PLAIN, None)
        self.at = indent

    def _link_tail(self) -> None:
        """Hides `]`, then `(target "title")`, `[label]` or `[]` after it, if any."""
        self._mark("]")
        content, at = self.content, self.at
        if content.startswith("(", at):
            end = _inline_target_end(content, at + 1)
            if end is None:
                raise Misaligned("link target")
            self._hide_to(end)
        elif content.startswith("[", at):
            close = content.find("]", at)
            if close < 0:
                raise Misaligned("link label")
            self._hide_to(close + 1)


def _inline_target_end(content: str, at: int) -> int | None:
    """Where `(target "title")` ends, given the offset just past its `(`; None if it does not."""
    limit = len(content)
    at = _skip_space(content, at)
    if at < limit and content[at] != ")":
        target = parseLinkDestination(content, at, limit)
        if target.ok:
            at = _skip_space(content, target.pos)
        if at < limit and content[at] in "\"'(":
            title = parseLinkTitle(content, at, limit)
            if title.ok:
                at = _skip_space(content, title.pos)
    return at + 1 if content.startswith(")", at) else None


def _skip_space(content: str, at: int) -> int:
    while at < len(content) and content[at] in _SPACE:
        at += 1
    return at
