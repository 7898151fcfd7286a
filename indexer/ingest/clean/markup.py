"""Markdown as readers should see it: link, emphasis and HTML syntax gone, words kept.

Each top-level block that holds such syntax (a link, emphasis, inline or block HTML, an image,
an escape or entity, an unresolved `[text][ref]`) is rendered to HTML by markdown-it and
turned back into plain Markdown by the same converter HTML pages use, which keeps table cells,
`<details>`, captions and code. Every other block, and every code block, is kept byte for
byte, so a plain article reads exactly as written. Link-reference lines are dropped.

Headings get the anchor their generator gives them (see `indexer.ingest.sites.anchors`);
when those differ from what `parse_sections` would derive, every heading says its anchor
explicitly as `{#id}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from indexer.ingest.clean.fences import outside_fences
from indexer.ingest.clean.html_text import HTML_ELEMENTS, html_text
from indexer.ingest.sites.anchors import AnchorMaker
from indexer.text.markdown_blocks import default_anchors

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_RENDERER = RendererHTML()
_PLAIN_INLINE = frozenset({"text", "softbreak", "hardbreak", "code_inline"})
_ATTRIBUTES = re.compile(r"\s*\{:?\s*#([^\s{}]+)[^{}]*\}\s*$")
_SYNTAX_IN_SOURCE = re.compile(r"\\[!-/:-@\[-`{-~]|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+\d*);")
_BARE_ID = re.compile(r"\s\{#[^\s{}]+\}\s*$")
_REF_TAIL = re.compile(r"\]\[[^\[\]\n]*\]")
_STRAY_EMPHASIS = re.compile(r"\*\*+|(?<!\w)__+|__+(?!\w)")
_LEFTOVER_SYNTAX = re.compile(r"\]\[|\]\(|\*\*|(?<!\w)__|__(?!\w)")
_UNRESOLVED_REF = re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr", "p", "li", "td", "th", "tr"})  # fmt: skip
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*?(/?)>")
_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TAG_NAME = re.compile(r"^</?([A-Za-z][\w-]*)")


@dataclass
class _Block:
    tokens: list[Token]
    first: int  # first line
    last: int  # line after the block
    html_depth: int = 0


def clean_markdown(text: str, anchor_style: str, tidy: bool = False) -> str:
    """`text` with its syntax cleaned; `tidy` also closes up the blank lines left where
    template syntax was removed."""
    env: dict[str, object] = {}
    tokens = _MD.parse(text, env)
    _unknown_tags_as_text(tokens)
    starts = _line_starts(text)
    blocks = _merge_html(_blocks(tokens))
    headings = [b for b in blocks if b.tokens[0].type == "heading_open"]
    wanted = _wanted_anchors(headings, anchor_style)
    texts = [_heading_text(b) for b in headings]
    kept = [_heading_kept(b, text) for b, text in zip(headings, texts, strict=True)]
    derived = default_anchors(
        [
            b.tokens[1].content if keep else text
            for b, text, keep in zip(headings, texts, kept, strict=True)
        ]
    )
    explicit_all = any(w is not None and w != d for w, d in zip(wanted, derived, strict=True))

    out: list[str] = []
    position = 0
    heading_number = 0
    for block in blocks:
        start = _offset(starts, block.first, text)
        end = _offset(starts, block.last, text)
        out.append(_gap(text[position:start]))
        original = text[start:end]
        body = original.rstrip()
        if block.tokens[0].type == "heading_open":
            number = heading_number
            heading_number += 1
            if kept[number] and not explicit_all:
                piece = body
            else:
                piece = _heading(block, texts[number], wanted[number], explicit_all)
        else:
            piece = body if _plain(block, body) else _rendered(block.tokens, env)
        if piece:
            out.append(piece + original[len(original.rstrip()) :])
        position = end
    out.append(_gap(text[position:]))
    cleaned = "".join(out)
    if tidy:
        outside = outside_fences(cleaned)
        cleaned = _BLANK_RUN.sub(lambda m: "\n\n" if outside(m.start()) else m.group(0), cleaned)
        cleaned = cleaned.lstrip("\n")
    return cleaned if cleaned != text else text


def _unknown_tags_as_text(tokens: list[Token]) -> None:
    for token in tokens:
        for child in token.children or []:
            if child.type == "html_inline" and not _is_element(child.content):
                child.type = "text"


def _is_element(html: str) -> bool:
    match = _TAG_NAME.match(html)
    return match is None or match.group(1).lower() in HTML_ELEMENTS


def _gap(gap: str) -> str:
    """What stays between two blocks: blank lines as written (a link-reference line goes)."""
    return "\n" if gap.strip() else gap


def _blocks(tokens: list[Token]) -> list[_Block]:
    blocks: list[_Block] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.level != 0 or token.map is None:
            index += 1
            continue
        stop = index + 1
        if token.nesting == 1:
            depth = 1
            while stop < len(tokens) and depth:
                depth += tokens[stop].nesting if tokens[stop].level == 0 else 0
                stop += 1
        block = _Block(tokens[index:stop], token.map[0], token.map[1])
        if token.type == "html_block":
            block.html_depth = _html_depth(token.content)
        blocks.append(block)
        index = stop
    return blocks


def _html_depth(html: str) -> int:
    depth = 0
    for closing, name, self_closing in _TAG.findall(html):
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
    return depth


def _merge_html(blocks: list[_Block]) -> list[_Block]:
    """An HTML element opened in one block and closed blocks later (a `<details>` around
    Markdown, a table split by blank lines) is converted as one piece."""
    merged: list[_Block] = []
    depth = 0
    for block in blocks:
        if depth > 0:
            merged[-1].tokens.extend(block.tokens)
            merged[-1].last = block.last
            depth = max(0, depth + block.html_depth)
            continue
        merged.append(block)
        depth = max(0, block.html_depth)
    return merged


def _plain(block: _Block, body: str) -> bool:
    kind = block.tokens[0].type
    if kind in ("fence", "code_block"):
        return True
    if kind == "html_block" or any(t.type == "html_block" for t in block.tokens):
        return False
    if _SYNTAX_IN_SOURCE.search(body):
        return False
    for token in block.tokens:
        for child in token.children or []:
            if child.type not in _PLAIN_INLINE:
                return False
            if child.type == "text" and _LEFTOVER_SYNTAX.search(child.content):
                return False
    return True


def _rendered(tokens: list[Token], env: dict[str, object]) -> str:
    for token in tokens:
        _drop_leftover_syntax(token.children or [])
    return html_text(_RENDERER.render(tokens, _MD.options, env))


def _drop_leftover_syntax(children: list[Token]) -> None:
    """`[text][ref]` whose reference is nowhere (a generator's loop made it) becomes its text,
    also when the text is code; a stray `**` that opens no emphasis goes."""
    for index, child in enumerate(children):
        if child.type != "text":
            continue
        child.content = _STRAY_EMPHASIS.sub("", _UNRESOLVED_REF.sub(r"\1", child.content))
        tail = _REF_TAIL.match(child.content)
        if tail is None:
            continue
        for earlier in reversed(children[:index]):
            if earlier.type == "text" and "[" in earlier.content:
                cut = earlier.content.rindex("[")
                earlier.content = earlier.content[:cut] + earlier.content[cut + 1 :]
                child.content = child.content[tail.end() :]
                break


def _heading_source(block: _Block) -> tuple[str, str | None]:
    """The heading's source text without an attribute block, and its explicit id."""
    raw = block.tokens[1].content
    match = _ATTRIBUTES.search(raw)
    return (raw[: match.start()], match.group(1)) if match else (raw, None)


def _wanted_anchors(headings: list[_Block], style: str) -> list[str | None]:
    maker = AnchorMaker(style)
    wanted: list[str | None] = []
    for block in headings:
        source, explicit = _heading_source(block)
        if explicit:
            wanted.append(maker.explicit(explicit))
        else:
            rendered = html_text(_RENDERER.renderInline(_strip_attributes(block), _MD.options, {}))
            wanted.append(maker.make(source, rendered.replace("`", "")))
    return wanted


def _strip_attributes(block: _Block) -> list[Token]:
    children = list(block.tokens[1].children or [])
    if children and children[-1].type == "text":
        last = children[-1].copy()
        last.content = _ATTRIBUTES.sub("", last.content)
        children[-1] = last
    return children


def _heading_text(block: _Block) -> str:
    text = html_text(_RENDERER.renderInline(_strip_attributes(block), _MD.options, {}))
    return " ".join(text.split())


def _heading_kept(block: _Block, text: str) -> bool:
    """Whether the heading's own line can stay as written: plain words, and no attribute
    block other than a bare `{#id}`."""
    raw = block.tokens[1].content
    source, explicit = _heading_source(block)
    if explicit is not None and not _BARE_ID.search(raw):
        return False
    plain_children = all(c.type in _PLAIN_INLINE for c in block.tokens[1].children or [])
    return plain_children and not _SYNTAX_IN_SOURCE.search(source) and bool(text)


def _heading(block: _Block, text: str, anchor: str | None, explicit_all: bool) -> str:
    if not text:
        return ""
    explicit = _heading_source(block)[1] is not None
    keep_id = anchor is not None and (explicit_all or explicit)
    return f"{'#' * int(block.tokens[0].tag[1])} {text}" + (f" {{#{anchor}}}" if keep_id else "")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer(r"\r\n?|\n", text))
    return starts


def _offset(starts: list[int], line: int, text: str) -> int:
    return starts[line] if line < len(starts) else len(text)
