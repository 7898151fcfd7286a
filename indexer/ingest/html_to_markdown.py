"""An HTML page's main content as Markdown: the structure chunking and citations rely on.

Headings keep their `id` as `{#id}` so a citation can deep-link to the page's own anchor.
Emphasis and link targets are dropped on purpose: they add noise to what is embedded and
nothing to what is found.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Page chrome, never article text.
_BOILERPLATE = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form")
# Widgets and embedded documents: "Copy" buttons sit next to most code blocks.
_NOT_TEXT = ("template", "iframe", "svg", "button", "canvas", "img", "picture", "video", "audio")

# Element nesting kept for conversion; deeper elements are unwrapped (see node_to_markdown).
MAX_DEPTH = 64
_HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CONTAINERS = frozenset(
    {
        "address", "article", "body", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "hgroup", "li", "main", "section", "summary",
    }
)  # fmt: skip
_LEAVES = frozenset({"p", "ul", "ol", "pre", "table", "blockquote", "hr"})
_BLOCK_TAGS = _CONTAINERS | _LEAVES | _HEADING_LEVELS.keys()
_WHITESPACE = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")
_LANGUAGE_CLASS = re.compile(r"^(?:language|lang)-(\S+)$")


def html_to_markdown(html: str) -> str:
    """An article's HTML body (a feed entry's content, a record's body) as Markdown.

    The whole fragment is the article, so all of it is kept but page chrome; a saved page,
    whose main content must be found first, goes through `indexer.ingest.html` instead.
    """
    node = LexborHTMLParser(html).body
    if node is None:
        return ""
    strip_boilerplate(node)
    return node_to_markdown(node)


def strip_boilerplate(node: LexborNode) -> None:
    for tag in (*_BOILERPLATE, *_NOT_TEXT):
        for element in node.css(tag):
            element.decompose()


def node_to_markdown(node: LexborNode) -> str:
    flatten_deep_nesting(node)
    return "\n\n".join(_blocks(node))


def flatten_deep_nesting(root: LexborNode) -> None:
    """Unwrap elements nested deeper than MAX_DEPTH below `root`, keeping their content.

    The conversion recurses once or twice per level, so junk such as 5,000 unclosed `<div>`s
    would exhaust Python's stack; no real page nests this deep, so only structure is lost.
    """
    too_deep: list[LexborNode] = []
    pending = [(root, 0)]
    while pending:
        node, depth = pending.pop()
        for child in node.iter():
            if depth >= MAX_DEPTH:
                too_deep.append(child)
            pending.append((child, depth + 1))
    # Innermost first: each unwrap then moves a single level, not a whole deep subtree.
    for node in reversed(too_deep):
        node.unwrap()


class _ListBlock(str):
    """A rendered list. Tagged so a nested list can sit directly under its item's text."""

    __slots__ = ()


class _InlineText:
    """Collects a run of inline content: prose whitespace collapses, code spans keep theirs."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def add_text(self, text: str) -> None:
        text = _WHITESPACE.sub(" ", text)
        if text.startswith(" ") and (not self._parts or self._parts[-1].endswith((" ", "\n"))):
            text = text[1:]
        if text:
            self._parts.append(text)

    def add_code(self, code: str) -> None:
        # A line break inside a code span would end a list item or table row.
        code = code.replace("\n", " ")
        if not code.strip():
            return
        longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
        fence = "`" * (longest + 1)
        pad = " " if longest else ""
        self._parts.append(f"{fence}{pad}{code}{pad}{fence}")

    def add_break(self) -> None:
        if self._parts:
            self._parts[-1] = self._parts[-1].rstrip(" ")
        self._parts.append("\n")

    def flush(self) -> str:
        text = "".join(self._parts).strip()
        self._parts = []
        return text


def _blocks(node: LexborNode) -> list[str]:
    """Markdown blocks for the children of `node`; loose inline content becomes a paragraph."""
    blocks: list[str] = []
    inline = _InlineText()
    for child in node.iter(include_text=True):
        if child.is_element_node and child.tag in _BLOCK_TAGS:
            blocks.extend(filter(None, [inline.flush()]))
            blocks.extend(filter(None, _block(child)))
        else:
            _add_inline(child, inline)
    blocks.extend(filter(None, [inline.flush()]))
    return blocks


def _block(node: LexborNode) -> list[str]:
    tag = node.tag or ""
    if tag in _HEADING_LEVELS:
        return [_heading(node, _HEADING_LEVELS[tag])]
    if tag == "p":
        return [_inline_text(node)]
    if tag in ("ul", "ol"):
        return [_list(node)]
    if tag == "pre":
        return [_code_block(node)]
    if tag == "table":
        caption = node.css_first("caption")
        return [_inline_text(caption) if caption else "", _table(node)]
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node))
        return ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))]
    if tag == "hr":
        return []
    return _blocks(node)


def _add_inline(node: LexborNode, inline: _InlineText) -> None:
    if node.is_text_node:
        inline.add_text(node.text_content or "")
    elif not node.is_element_node:
        return  # comments, processing instructions
    elif node.tag == "code":
        inline.add_code(node.text(deep=True))
    elif node.tag == "br":
        inline.add_break()
    else:
        # A block inside inline context (a <p> in a table cell) still separates words.
        is_block = node.tag in _BLOCK_TAGS
        if is_block:
            inline.add_text(" ")
        for child in node.iter(include_text=True):
            _add_inline(child, inline)
        if is_block:
            inline.add_text(" ")


def _inline_text(node: LexborNode) -> str:
    inline = _InlineText()
    for child in node.iter(include_text=True):
        _add_inline(child, inline)
    return inline.flush()


def _heading(node: LexborNode, level: int) -> str:
    text = _inline_text(node).replace("\n", " ")
    if not text:
        return ""
    anchor = (node.attributes.get("id") or "").strip()
    suffix = f" {{#{anchor}}}" if anchor else ""
    return f"{'#' * level} {text}{suffix}"


def _list(node: LexborNode) -> _ListBlock:
    ordered = node.tag == "ol"
    number = _list_start(node) if ordered else 1
    items: list[str] = []
    for child in node.iter(include_text=True):
        if child.is_text_node:
            # Text straight inside the list (invalid, but browsers show it): an item of its own.
            loose = " ".join((child.text_content or "").split())
            if loose:
                items.append((f"{number}. " if ordered else "- ") + loose)
                number += 1
            continue
        if not child.is_element_node:
            continue
        if child.tag in ("ul", "ol"):
            # Invalid but common: a nested list placed directly inside its parent list.
            indent = "   " if ordered else "  "
            items.append(indent + _indent(_list(child), indent))
            continue
        blocks = _blocks(child)
        if not blocks:
            continue
        marker = f"{number}. " if ordered else "- "
        number += 1
        body = blocks[0]
        for block in blocks[1:]:
            # A nested list hugs its item; anything else is a new paragraph of the item.
            body += ("\n" if isinstance(block, _ListBlock) else "\n\n") + block
        items.append(marker + _indent(body, " " * len(marker)))
    return _ListBlock("\n".join(items))


def _list_start(node: LexborNode) -> int:
    try:
        return int(node.attributes.get("start") or 1)
    except ValueError:
        return 1


def _indent(text: str, prefix: str) -> str:
    """Indents every line but the first (which follows a list marker)."""
    first, *rest = text.split("\n")
    return "\n".join([first, *(prefix + line if line else line for line in rest)])


def _code_block(node: LexborNode) -> str:
    code_node = node.css_first("code")
    language = (code_node and _language(code_node)) or _language(node)
    code = node.text(deep=True).lstrip("\n").rstrip()
    if not code:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def _language(node: LexborNode) -> str:
    for name in (node.attributes.get("class") or "").split():
        match = _LANGUAGE_CLASS.match(name)
        if match:
            return match.group(1)
    return ""


def _table(node: LexborNode) -> str:
    rows: list[list[str]] = []
    for row in node.css("tr"):
        cells = [_cell(cell) for cell in row.iter() if cell.tag in ("th", "td")]
        if cells:
            rows.append(cells)
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    # Markdown tables need a header row; the first row is the best guess when there is no <th>.
    lines = [rows[0], ["---"] * width, *rows[1:]]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _cell(node: LexborNode) -> str:
    return _inline_text(node).replace("\n", " ").replace("|", "\\|")
