"""Liquid, as Jekyll runs it over a page before Markdown: tags and output replaced by what
the reader sees.

`{% raw %}` keeps its content literally; `{% highlight x %}` becomes a fenced code block;
`{% comment %}` and `{% capture %}` bodies go; `{{ site.x }}` and `{{ page.x }}` become the
configured or front matter value (filters are not run); other tags and unknown values leave
nothing, as Liquid renders them when they produce no text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from indexer.ingest.clean.fences import outside_fences

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_DROPPED_BLOCKS = re.compile(
    r"\{%-?\s*(comment|capture)\b.*?-?%\}.*?\{%-?\s*end\1\s*-?%\}", re.DOTALL
)
_HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}", re.DOTALL
)
_TAG = re.compile(r"\{%-?(.*?)-?%\}", re.DOTALL)
_OUTPUT = re.compile(r"\{\{-?(.*?)-?\}\}", re.DOTALL)
_LITERAL = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)')\s*$""")
_PLACEHOLDER = "\x00raw{}\x00"


def liquid(
    text: str,
    variables: Mapping[str, object],
    in_fences: bool = True,
    outputs: bool = True,
) -> str:
    """`text` with its Liquid replaced. `variables` maps `site`, `page` (...) to mappings.
    With `in_fences` false, tags inside fenced code stay as written."""
    kept: list[str] = []

    def allowed(offset: int) -> bool:
        return in_fences or fence_check(offset)

    def protect(match: re.Match[str]) -> str:
        if not allowed(match.start()):
            return match.group(0)
        kept.append(match.group(1))
        return _PLACEHOLDER.format(len(kept) - 1)

    fence_check = outside_fences(text)
    text = _RAW.sub(protect, text)
    fence_check = outside_fences(text)
    text = _DROPPED_BLOCKS.sub(lambda m: "" if allowed(m.start()) else m.group(0), text)
    fence_check = outside_fences(text)
    text = _HIGHLIGHT.sub(
        lambda m: f"```{m.group(1)}\n{m.group(2)}\n```" if allowed(m.start()) else m.group(0),
        text,
    )
    fence_check = outside_fences(text)
    text = _TAG.sub(lambda m: "" if allowed(m.start()) else m.group(0), text)
    if outputs:
        fence_check = outside_fences(text)
        text = _OUTPUT.sub(
            lambda m: _output(m.group(1), variables) if allowed(m.start()) else m.group(0), text
        )
    for number, literal in enumerate(kept):
        text = text.replace(_PLACEHOLDER.format(number), literal)
    return text


def _output(expression: str, variables: Mapping[str, object]) -> str:
    head = expression.split("|", 1)[0]
    literal = _LITERAL.match(head)
    if literal:
        return literal.group(1) if literal.group(1) is not None else literal.group(2)
    value: object = variables
    for key in head.strip().split("."):
        if not isinstance(value, Mapping) or key not in value:
            return ""
        value = value[key]
    return (
        str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
    )
