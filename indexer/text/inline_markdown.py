"""A passage's Markdown as readers see it: emphasis, code and links kept, their marks not.

A passage is a slice of an article's Markdown source. One parse (markdown-it, raw HTML off so
tags stay text) cuts it into `Run`s: consecutive pieces of the source, each with what a reader
sees for it (nothing, for a mark such as `*` or `](url)`) and its style. The plain text, the
reader's HTML (`indexer.text.passage_html`) and the API all come from these runs, and because
each run keeps its source offsets, search highlights (offsets into the source) still land on
their words once the marks are gone. Block structure is left as written: list markers and line
breaks read well as they are; only code fences lose their fence lines.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from indexer.text.inline_walk import InlineWalk, Misaligned, Run

__all__ = ["Run", "plain_text", "runs"]

# Text without these holds no inline mark, fence or indented code: it is shown as written.
_MAY_HAVE_MARKS = re.compile(r"[*_`~\[\]<>&\\\r\0]|^(?: {4}|\t)", re.MULTILINE)


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Every link becomes a link token, `javascript:` ones too: which targets are safe to
    # follow is decided when rendering, and the reader then sees the text without its marks.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


_MARKDOWN = _parser()


# A result page's passages are parsed once each; popular ones stay parsed (a few MB at most).
@lru_cache(maxsize=2048)
def runs(text: str) -> tuple[Run, ...]:
    """The passage as consecutive runs covering all of `text`, in order."""
    if not _MAY_HAVE_MARKS.search(text):
        return (Run(0, len(text), text),) if text else ()
    # Same-length stand-ins for what markdown-it rewrites (CR line ends, NUL), so offsets hold.
    source = text.replace("\r\n", " \n").replace("\r", "\n").replace("\0", "\ufffd")
    found: list[Run] = []
    cursor = 0  # table cells share a line: each is looked for after the previous one
    lines = _line_starts(source)
    for token in _MARKDOWN.parse(source):
        if token.map is None:
            continue
        start, stop = lines[token.map[0]], lines[min(token.map[1], len(lines) - 1)]
        if token.type == "inline":
            where = _locate(source, token.content, max(start, cursor), stop)
            if where is not None:
                try:
                    found.extend(InlineWalk(token.content, where).walk(token.children))
                    cursor = where[-1]
                except Misaligned:
                    pass
        elif token.type in ("fence", "code_block"):
            found.extend(_code_block(source, token, lines))
    return _fill_gaps(source, found)


def plain_text(text: str) -> str:
    """The passage as a reader reads it: no emphasis, code or link marks."""
    return "".join(run.shown for run in runs(text))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    if starts[-1] != len(text):
        starts.append(len(text))
    return starts


def _locate(source: str, content: str, start: int, stop: int) -> list[int] | None:
    """The source offset of each character of an inline token's content, plus its end.

    The block parser takes list markers, quote marks and indentation off the front of each
    line, so every content line is found verbatim on its own source line.
    """
    where: list[int] = []
    cursor = start
    for number, line in enumerate(content.split("\n")):
        if number:
            newline = source.find("\n", cursor, stop)
            if newline < 0:
                return None
            where.append(newline)
            cursor = newline + 1
        line_end = source.find("\n", cursor, stop)
        at = source.find(line, cursor, stop if line_end < 0 else line_end)
        if at < 0:
            return None
        where.extend(range(at, at + len(line)))
        cursor = at + len(line)
    where.append(cursor)
    return where


def _code_block(source: str, token: Token, lines: list[int]) -> list[Run]:
    """A code block's lines as one `block` run; a fenced one's fence lines hidden."""
    assert token.map is not None
    first, last = token.map
    start, stop = lines[first], lines[min(last, len(lines) - 1)]
    block = frozenset({"block"})
    if token.type == "code_block":
        end = _without_newline(source, stop)
        return [Run(start, end, source[start:end], block)]
    body = lines[min(first + 1, len(lines) - 1)]
    closing_line = lines[last - 1] if last - 1 > first else stop
    closing = source[closing_line:stop].strip()
    if not (closing and set(closing) == {token.markup[0]} and len(closing) >= len(token.markup)):
        closing_line = stop  # a passage may end inside a code block
    # The line break before the closing fence goes with it, as the one after the opening does.
    code_end = max(
        body, closing_line - 1 if closing_line < stop else _without_newline(source, stop)
    )
    fence_end = _without_newline(source, stop) if closing_line < stop else code_end
    found = [Run(start, body, ""), Run(body, code_end, source[body:code_end], block)]
    found.append(Run(code_end, max(code_end, fence_end), ""))
    return [run for run in found if run.end > run.start]


def _without_newline(source: str, end: int) -> int:
    return end - 1 if end > 0 and source[end - 1] == "\n" else end


def _fill_gaps(source: str, found: list[Run]) -> tuple[Run, ...]:
    """`found` in order with the source between them as plain runs; adjacent plain runs
    merged, so a passage without marks is one run."""
    filled: list[Run] = []
    cursor = 0
    for run in sorted(found, key=lambda r: r.start):
        if run.start < cursor:
            continue  # never expected; a run overlapping an earlier one is dropped
        if run.start > cursor:
            filled.append(Run(cursor, run.start, source[cursor : run.start]))
        filled.append(run)
        cursor = run.end
    if cursor < len(source):
        filled.append(Run(cursor, len(source), source[cursor:]))
    merged: list[Run] = []
    for run in filled:
        last = merged[-1] if merged else None
        if last and last.exact and run.exact and (last.style, last.href) == (run.style, run.href):
            merged[-1] = Run(last.start, run.end, last.shown + run.shown, run.style, run.href)
        else:
            merged.append(run)
    return tuple(merged)
