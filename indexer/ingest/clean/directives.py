"""Go template actions (`{{raw ...}}`, `{{code "x.go"}}`) and Hugo and Zola shortcodes.

Generators run these before Markdown, so they are replaced here by what a reader of the page
sees: the inner text of `raw` and of string literals, the content of an included file, the
caption or alt text of a figure, the body of paired shortcodes; images, videos, code includes
and control actions leave nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from indexer.ingest.clean.fences import outside_fences

IncludeReader = Callable[[str], str | None]

_GO_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`([^`]*)`', re.DOTALL)
_GO_CONTROL = frozenset(
    {"if", "else", "end", "range", "with", "define", "block", "template", "break", "continue"}
)
_SHORTCODE = re.compile(
    r"\{\{(?P<open>[<%])(?P<esc>/\*)?\s*(?P<close>/)?\s*(?P<name>[\w./-]+)"
    r"(?P<args>(?:\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[^\"`])*?)\s*(?P<self>/)?\s*(?P<escend>\*/)?[>%]\}\}",
    re.DOTALL,
)
_ARG = re.compile(r"(?:([\w-]+)\s*=\s*)?(\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[^\s\"`]+)")
_CODE_SHORTCODES = frozenset({"highlight", "code", "mermaid", "katex", "math", "chroma"})
_TEXT_ARGS = ("caption", "title", "alt", "text", "summary", "header", "name")
_ZOLA_INLINE = re.compile(r"\{\{\s*(/\*)?\s*([A-Za-z_]\w*)\((.*?)\)\s*(\*/)?\s*\}\}", re.DOTALL)
_ZOLA_BLOCK = re.compile(
    r"\{%\s*(/\*)?\s*([A-Za-z_]\w*)\((.*?)\)\s*(\*/)?\s*%\}(.*?)\{%\s*end\s*%\}", re.DOTALL
)


def go_actions(text: str, read: IncludeReader, allowed: Callable[[int], bool]) -> str:
    """Every `{{ ... }}` action of Go's text/template starting where `allowed` says."""
    out: list[str] = []
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            out.append(text[position:])
            return "".join(out)
        end = _action_end(text, start + 2)
        if end < 0 or not allowed(start):
            out.append(text[position : start + 2])
            position = start + 2
            continue
        inner = text[start + 2 : end]
        left, right = inner.startswith("-"), inner.endswith("-")
        before = text[position:start]
        out.append(before.rstrip() if left else before)
        out.append(_go_value(inner.strip("-").strip(), read))
        position = end + 2
        if right:
            while position < len(text) and text[position].isspace():
                position += 1


def _action_end(text: str, position: int) -> int:
    """Where the action opened before `position` closes, stepping over string literals."""
    while position < len(text):
        char = text[position]
        if text.startswith("}}", position):
            return position
        if char in '"`':
            match = _GO_STRING.match(text, position)
            if match is None:
                return -1
            position = match.end()
            continue
        if char == "\n" and text.startswith("{{", position + 1):
            return -1  # an unclosed action: leave it as text
        position += 1
    return -1


def _go_value(action: str, read: IncludeReader) -> str:
    if action.startswith("/*"):
        return ""
    literal = _GO_STRING.fullmatch(action)
    if literal:
        return _unquote(literal)
    word, _, rest = action.partition(" ")
    rest = rest.strip()
    if word == "raw":
        inner = _GO_STRING.fullmatch(rest)
        if inner:
            return _unquote(inner)
        included = re.fullmatch(r"\(\s*file\s+(\"[^\"]*\"|`[^`]*`)\s*\)", rest)
        if included:
            return read(included.group(1)[1:-1]) or ""
    return ""


def _unquote(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return match.group(2)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  match.group(1))  # fmt: skip


def _args(raw: str) -> tuple[dict[str, str], list[str]]:
    named: dict[str, str] = {}
    positional: list[str] = []
    for key, value in _ARG.findall(raw):
        if value[:1] in '"`':
            value = value[1:-1].replace('\\"', '"')
        if key:
            named[key.lower()] = value
        else:
            positional.append(value)
    return named, positional


def hugo_shortcodes(text: str, allowed: Callable[[int], bool]) -> str:
    """Hugo shortcodes replaced where `allowed` says; an escaped one (`{{</* x */>}}`)
    becomes its literal text."""
    tags = [tag for tag in _SHORTCODE.finditer(text) if allowed(tag.start())]
    pairs = _pairs(tags)
    openers = set(pairs.values())
    out: list[str] = []
    position = 0
    for index, tag in enumerate(tags):
        out.append(text[position : tag.start()])
        position = tag.end()
        if tag["esc"]:
            literal = re.sub(r"^\{\{([<%])/\*\s*", r"{{\1 ", tag.group(0))
            out.append(re.sub(r"\s*\*/([>%])\}\}$", r" \1}}", literal))
        elif tag["close"]:
            opened = tags[pairs[index]]["name"].lower() if index in pairs else ""
            out.append("```" if opened in _CODE_SHORTCODES else "")
        elif index in openers:
            out.append(_opening(tag["name"].lower(), *_args(tag["args"] or "")))
        else:
            out.append(_standalone(_args(tag["args"] or "")[0]))
    out.append(text[position:])
    return "".join(out)


def _pairs(tags: list[re.Match[str]]) -> dict[int, int]:
    """Closing tag index -> the index of the opening tag it closes."""
    found: dict[int, int] = {}
    stack: list[tuple[int, str]] = []
    for index, tag in enumerate(tags):
        if tag["esc"]:
            continue
        name = tag["name"].lower()
        if tag["close"]:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][1] == name:
                    found[index] = stack[depth][0]
                    del stack[depth:]
                    break
        elif not tag["self"]:
            stack.append((index, name))
    return found


def _opening(name: str, named: dict[str, str], positional: list[str]) -> str:
    if name in _CODE_SHORTCODES:
        language = (
            positional[0] if positional and "=" not in positional[0] else named.get("lang", "")
        )
        return f"```{language if name != 'mermaid' else 'mermaid'}"
    heading = next((named[k] for k in _TEXT_ARGS if named.get(k)), "")
    return f"{heading}\n\n" if heading else ""


def _standalone(named: dict[str, str]) -> str:
    for key in ("caption", "alt", "title", "text"):
        if named.get(key):
            return named[key]
    return ""


def zola_shortcodes(text: str, in_fences: bool = False) -> str:
    """Zola's `{{ name(...) }}` and `{% name(...) %}body{% end %}`, outside fenced code
    unless `in_fences`."""
    allowed = outside_fences(text)

    if in_fences:
        allowed = lambda _: True  # noqa: E731

    def block(match: re.Match[str]) -> str:
        if not allowed(match.start()):
            return match.group(0)
        if match.group(1):
            return match.group(0).replace("/*", "", 1).replace("*/", "", 1)
        named, _ = _args(match.group(3))
        heading = next((named[k] for k in _TEXT_ARGS if named.get(k)), "")
        return (f"{heading}\n\n" if heading else "") + match.group(5)

    def inline(match: re.Match[str]) -> str:
        if not allowed(match.start()):
            return match.group(0)
        if match.group(1):
            return match.group(0).replace("/*", "", 1).replace("*/", "", 1)
        return _standalone(_args(match.group(3))[0])

    text = _ZOLA_BLOCK.sub(block, text)
    allowed = (lambda _: True) if in_fences else outside_fences(text)
    return _ZOLA_INLINE.sub(inline, text)
