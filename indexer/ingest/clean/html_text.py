"""HTML inside Markdown as the plain text a reader sees: scripts, styles and widgets dropped,
images by their alt text, everything else through the converter HTML pages use (which keeps
table cells, `<details>` and code)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from indexer.ingest.html_to_markdown import node_to_markdown

_NOT_TEXT = ("script", "style", "noscript", "template", "iframe", "svg", "button", "canvas",
             "video", "audio", "object", "embed", "form", "input", "select")  # fmt: skip
# Text shaped like a tag that names no HTML element (`<T>`, `<stdlib>`) is prose: a browser
# would hide it, but its author meant it to be read.
HTML_ELEMENTS = frozenset(
    """
a abbr address area article aside audio b bdi bdo blockquote body br button canvas caption
center cite code col colgroup data dd del details dfn dialog div dl dt em embed fieldset
figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input
ins kbd label legend li link main map mark meta meter nav noscript object ol optgroup option
output p param picture pre progress q rp rt ruby s samp script section select small source
span strike strong style sub summary sup svg table tbody td template textarea tfoot th thead
time title tr track tt u ul var video wbr big math
""".split()
)


def html_text(html: str) -> str:
    """HTML as plain Markdown: images by their alt text (unless a caption says it)."""
    tree = LexborHTMLParser(f"<body>{html}</body>")
    body = tree.body
    if body is None:
        return ""
    for tag in _NOT_TEXT:
        for node in body.css(tag):
            node.decompose()
    for image in body.css("img"):
        alt = (image.attributes.get("alt") or "").strip()
        figure = image.parent
        while figure is not None and figure.tag not in ("figure", "body"):
            figure = figure.parent
        captioned = figure is not None and figure.css_first("figcaption") is not None
        if alt and not captioned:
            image.replace_with(alt)
        else:
            image.decompose()
    return node_to_markdown(body).strip()
