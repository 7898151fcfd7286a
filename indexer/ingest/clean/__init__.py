"""Clean text: what a page's reader sees, from what its author wrote.

First the template syntax the page's generator runs before Markdown (Go template actions,
Hugo and Zola shortcodes, Liquid) is replaced by its readable result, then link, emphasis and
HTML syntax is turned into plain words (see `markup`). Code blocks stay code.

Dialects: "hugo" and "liquid" (Jekyll) run everywhere, as those generators do, code blocks
included (their authors escape what must stay literal); "go" (a page of Go's own sites, which
are templates) runs everywhere too; "zola" and "plain" (a folder of unknown origin) leave
fenced code alone, where such syntax is far more likely an example than a directive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from indexer.ingest.clean.directives import (
    IncludeReader,
    go_actions,
    hugo_shortcodes,
    zola_shortcodes,
)
from indexer.ingest.clean.fences import outside_fences
from indexer.ingest.clean.html_text import html_text
from indexer.ingest.clean.liquid import liquid
from indexer.ingest.clean.markup import clean_markdown

__all__ = ["clean_page", "html_text"]


def clean_page(
    body: str,
    *,
    dialect: str,
    anchors: str,
    variables: Mapping[str, object] | None = None,
    read: IncludeReader | None = None,
    is_html: bool = False,
) -> str:
    """The page body as clean Markdown. `read` returns an included file's text (or None)."""
    reader: IncludeReader = read or (lambda _: None)
    text = apply_templates(body, dialect, variables or {}, reader)
    if is_html:
        return html_text(text)
    return clean_markdown(text, anchors, tidy=text != body)


def apply_templates(
    text: str, dialect: str, variables: Mapping[str, object], read: IncludeReader
) -> str:
    everywhere: Callable[[int], bool] = lambda _: True  # noqa: E731
    if dialect == "hugo":
        return hugo_shortcodes(text, everywhere)
    if dialect == "liquid":
        return liquid(text, variables)
    if dialect == "go":
        return go_actions(text, read, everywhere)
    if dialect == "zola":
        return zola_shortcodes(text)
    # A folder of unknown origin: every syntax, each checked against the text it leaves.
    text = hugo_shortcodes(text, outside_fences(text))
    text = zola_shortcodes(text)
    if "{%" in text:
        # Output tags are left to the Go pass, which knows `{{raw "..."}}`.
        text = liquid(text, variables, in_fences=False, outputs=False)
    return go_actions(text, read, outside_fences(text))
