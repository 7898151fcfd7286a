"""Split a Markdown body into sections of top-level blocks, with character offsets.

The chunker works on these blocks so that it can keep code fences and tables whole and know
which heading every passage sits under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

BlockKind = Literal["prose", "list", "atomic"]

_CUSTOM_ID = re.compile(r"\s*\{#([^\s{}]+)\}\s*$")
_ATOMIC = {"fence", "code_block", "table_open"}
_LISTS = {"bullet_list_open", "ordered_list_open"}
_LINE_END = re.compile(r"\r\n?|\n")
# One parser for every call (building one costs as much as parsing an abstract), reading
# blocks only: the inline pass, half the work, would only split text that is used whole.
_PARSER = MarkdownIt("commonmark").enable("table").disable("inline")
_INLINE = MarkdownIt("commonmark").enable("strikethrough")
_INLINE_SYNTAX = re.compile(r"[\[*_<&\\~!]")


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    start: int
    end: int
    # For lists: (start, end) of each top-level item, so long lists split between items.
    items: tuple[tuple[int, int], ...] = ()


@dataclass
class Section:
    heading_path: tuple[str, ...]
    anchor: str | None
    blocks: list[Block] = field(default_factory=list)


def github_anchor(heading: str) -> str:
    """The anchor GitHub-style renderers give a heading: lowercase, punctuation dropped."""
    lowered = heading.strip().lower()
    kept = re.sub(r"[^\w\- ]", "", lowered)
    return kept.replace(" ", "-")


def parse_sections(text: str) -> list[Section]:
    """Top-level blocks of `text` grouped under their heading path, in document order.

    Every non-blank line outside a heading lands in some block: lines the parser keeps no
    token for (link reference definitions) become prose, so no text goes unindexed.
    """
    tokens = _PARSER.parse(text)
    line_starts = _line_starts(text)

    def offsets(first: int, last: int) -> tuple[int, int]:
        start = line_starts[first] if first < len(line_starts) else len(text)
        end = line_starts[last] if last < len(line_starts) else len(text)
        return start, _trim_end(text, start, end)

    def span(token: Token) -> tuple[int, int]:
        assert token.map is not None
        return offsets(*token.map)

    sections = [Section(heading_path=(), anchor=None)]
    stack: list[tuple[int, str]] = []
    seen_anchors: dict[str, int] = {}
    covered = 0  # lines before this one belong to a token already
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting == -1 or token.map is None:
            continue
        first, last = token.map
        if first > covered:
            _add_gap(text, sections[-1], *offsets(covered, first))
        covered = max(covered, last)
        if token.type == "heading_open":
            title, anchor = _heading_text(tokens[index + 1].content)
            level = int(token.tag[1])
            stack = [(lvl, name) for lvl, name in stack if lvl < level] + [(level, title)]
            slug = github_anchor(title)
            # A heading of only punctuation has no anchor: a link to "url#" would be broken.
            anchor = anchor or (_unique(slug, seen_anchors) if slug else None)
            sections.append(Section(tuple(name for _, name in stack), anchor))
            continue
        start, end = span(token)
        if end <= start:
            continue
        if token.type in _ATOMIC:
            sections[-1].blocks.append(Block("atomic", start, end))
        elif token.type in _LISTS:
            items = tuple(span(item) for item in _top_items(tokens, index))
            sections[-1].blocks.append(Block("list", start, end, items))
        else:
            sections[-1].blocks.append(Block("prose", start, end))
    _add_gap(text, sections[-1], *offsets(covered, len(line_starts)))
    return [s for s in sections if s.blocks]


def _add_gap(text: str, section: Section, start: int, end: int) -> None:
    # `end` is already trimmed of trailing whitespace, so a blank gap ends up empty here.
    while start < end and text[start].isspace():
        start += 1
    if end > start:
        section.blocks.append(Block("prose", start, end))


def _heading_text(raw: str) -> tuple[str, str | None]:
    match = _CUSTOM_ID.search(raw)
    if match:
        return _plain_heading(raw[: match.start()]), match.group(1)
    return _plain_heading(raw), None


def _plain_heading(raw: str) -> str:
    """The heading's words: link, image and emphasis syntax dropped, code spans kept, so a
    heading that is a link is not slugged with its URL."""
    if not _INLINE_SYNTAX.search(raw):
        return raw.strip()
    parts: list[str] = []
    for token in _INLINE.parseInline(raw)[0].children or []:
        if token.type in ("text", "text_special"):
            parts.append(token.content)
        elif token.type == "code_inline":
            parts.append(f"`{token.content}`")
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append("".join(c.content for c in token.children or []))
    return "".join(parts).strip()


def default_anchors(headings: list[str]) -> list[str | None]:
    """The anchors `parse_sections` gives top-level headings with these contents, in order."""
    seen: dict[str, int] = {}
    anchors: list[str | None] = []
    for raw in headings:
        title, custom = _heading_text(raw)
        slug = github_anchor(title)
        anchors.append(custom or (_unique(slug, seen) if slug else None))
    return anchors


def _unique(anchor: str, seen: dict[str, int]) -> str:
    count = seen.get(anchor, 0)
    seen[anchor] = count + 1
    return anchor if count == 0 else f"{anchor}-{count}"


def _top_items(tokens: list[Token], list_index: int) -> list[Token]:
    """The items of the top-level list opened at `list_index` (nested lists stay inside)."""
    items = []
    for token in tokens[list_index + 1 :]:
        if token.level == 0 and token.nesting == -1:
            break
        if token.type == "list_item_open" and token.level == 1 and token.map is not None:
            items.append(token)
    return items


def _line_starts(text: str) -> list[int]:
    # markdown-it counts lines the way it normalises them: \r\n, \r and \n all end one.
    starts = [0]
    for match in _LINE_END.finditer(text):
        starts.append(match.end())
    return starts


def _trim_end(text: str, start: int, end: int) -> int:
    """`end` moved back over trailing whitespace, never before `start` (no copying: chunking
    calls this once per block, and bodies can be megabytes long)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def section_headings(text: str) -> list[str]:
    """The headings of the sections that hold text, in order (for a table of contents)."""
    return [s.heading_path[-1] for s in parse_sections(text) if s.heading_path]
