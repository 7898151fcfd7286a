"""A passage as safe HTML for the reader's page: its inline Markdown rendered, matches marked.

Every character of the passage goes out escaped; the only elements are the ones built here
(`em`, `strong`, `code`, `mark`, and `a` with a web link), so what an article holds can never
become markup. Highlight spans are offsets into the passage's Markdown source, as the API's
`highlights` are; the runs of `inline_markdown` carry source offsets, so each span lands on its
word even where marks around it are hidden.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from urllib.parse import urljoin, urlsplit

from indexer.text.inline_markdown import Run, runs

_WEB_SCHEMES = frozenset({"http", "https"})
# Outermost first; a piece's elements always nest in this order.
_ORDER = ("a", "strong", "em", "code", "block", "mark")
_OPEN = {
    "strong": "<strong>",
    "em": "<em>",
    "code": "<code>",
    "block": '<code class="code-block">',
    "mark": "<mark>",
}


def safe_href(target: str, base: str | None = None) -> str | None:
    """Where a passage's link may point: an http(s) URL, or a relative one read against
    `base` (the article's URL), or a site path (`/x`) when there is no base; else None.

    `javascript:`, `data:` and every other scheme are refused, whatever their spelling."""
    try:
        candidate = urljoin(base, target.strip()) if base else target.strip()
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme:
        return candidate if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc else None
    return candidate if candidate.startswith("/") else None


def passage_html(
    text: str,
    spans: Sequence[tuple[int, int]],
    base_url: str | None = None,
    *,
    base_at: Callable[[int], str | None] | None = None,
) -> str:
    """`text` as HTML with its inline Markdown rendered and each span of it in `<mark>`.

    Links are read against `base_url`, or, for text quoting several articles (an answer), against
    what `base_at` gives for the source offset where the link starts."""
    out: list[str] = []
    open_tags: list[str] = []  # the opening tag of each element open now, outermost first
    for shown, run, marked in _pieces(runs(text), spans):
        base = base_at(run.start) if base_at is not None and run.href else base_url
        wanted = _tags(run, marked, base)
        keep = 0
        while keep < min(len(open_tags), len(wanted)) and open_tags[keep] == wanted[keep]:
            keep += 1
        out.extend(_closing(tag) for tag in reversed(open_tags[keep:]))
        out.extend(wanted[keep:])
        open_tags = wanted
        out.append(html.escape(shown, quote=False))
    out.extend(_closing(tag) for tag in reversed(open_tags))
    return "".join(out)


def _pieces(found: Sequence[Run], spans: Sequence[tuple[int, int]]) -> list[tuple[str, Run, bool]]:
    """What each run shows, cut where highlights start and end, with whether it is marked."""
    pieces: list[tuple[str, Run, bool]] = []
    index = 0
    for run in found:
        if not run.shown:
            continue
        while index < len(spans) and spans[index][1] <= run.start:
            index += 1
        if not run.exact:
            # An entity shown as one character: marked whole if a span touches it.
            touched = index < len(spans) and spans[index][0] < run.end
            pieces.append((run.shown, run, touched))
            continue
        at, following = run.start, index
        while at < run.end:
            span = spans[following] if following < len(spans) else None
            if span is not None and span[0] <= at:
                cut, marked = min(run.end, span[1]), True
                following += 1
            else:
                cut, marked = (min(run.end, span[0]) if span else run.end), False
            pieces.append((run.shown[at - run.start : cut - run.start], run, marked))
            at = cut
    return pieces


def _tags(run: Run, marked: bool, base_url: str | None) -> list[str]:
    href = safe_href(run.href, base_url) if run.href else None
    wanted: list[str] = []
    for name in _ORDER:
        if name == "a" and href:
            wanted.append(f'<a href="{html.escape(href, quote=True)}" rel="nofollow">')
        elif name in run.style or (name == "mark" and marked):
            wanted.append(_OPEN[name])
    return wanted


def _closing(opening: str) -> str:
    if opening.startswith("<a "):
        return "</a>"
    if opening.startswith("<code"):
        return "</code>"
    return "</" + opening[1:]
