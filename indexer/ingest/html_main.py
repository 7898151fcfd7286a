"""Finding a saved page's main content: the container that holds most of its prose.

Readability-style, but only semantic or named containers compete (`<article>`, `<main>`, a
`div.post-content`), so a page built of anonymous `<div>`s keeps all of its text. Prose is
counted in characters of paragraph-like elements, links left out (a list of links is
navigation, not content). The innermost candidate holding most of the page's prose wins, so
a review page of twelve `<article>` cards keeps them all, while a post beside its comments
keeps only the post.
"""

from __future__ import annotations

import re
from collections import defaultdict

from selectolax.lexbor import LexborHTMLParser, LexborNode

from indexer.ingest.html_to_markdown import flatten_deep_nesting

# Never article text, wherever they sit; removed before anything is counted.
CHROME = ("nav", "aside", "footer", "form", "script", "style", "noscript", "template")
_PROSE = frozenset(
    {"p", "pre", "li", "td", "th", "dd", "dt", "blockquote", "figcaption",
     "h2", "h3", "h4", "h5", "h6"}
)  # fmt: skip
_PROSE_SELECTOR = ", ".join(sorted(_PROSE))
_SEMANTIC = "article, main, [role=main], [role=article], [itemprop=articleBody]"
_NAMED = "div[class], div[id], section[class], section[id]"
# Names of containers beside the article (comments, sidebars, share bars), matched as whole
# words of a class or id: "comment-list" and "sidebar" are, "download" and "shadow" are not.
_ASIDE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:comments?|commentlist|discussion|disqus|respond|replies|sidebar|"
    r"widgets?|related|share|sharing|social|newsletter|subscribe|subscription|promo|ads?|"
    r"advert\w*|sponsor\w*|cookies?|breadcrumbs?|pagination|pager|menu|navbar|navigation|"
    r"masthead|popup|modal|toc)(?=$|[\s_-])",
    re.IGNORECASE,
)
_CONTENT_NAMES = re.compile(
    r"(?:^|[\s_-])(?:article|content|entry|main|post|body|text|story|prose|markdown|blog|"
    r"docs?|documentation)(?=$|[\s_-])",
    re.IGNORECASE,
)
_REMOVABLE_ASIDES = frozenset({"div", "section", "ul", "ol", "article", "header", "aside"})
# A candidate inside another wins only when it keeps this share of the other's prose: an
# article split into a `div.content-intro` and a `div.content-main` stays whole.
_INNER_SHARE = 0.8


def main_content(tree: LexborHTMLParser) -> LexborNode | None:
    """The element holding the page's main content; None when the page has no `<body>`.

    Changes the tree on the way: page chrome (navigation, footers, forms, scripts) and the
    containers named as asides (comments, sidebars, related posts) are removed from the
    whole page, so nothing read from it later (title, dates) comes from them.
    """
    body = tree.body
    if body is None:
        return None
    for tag in CHROME:
        for element in body.css(tag):
            element.decompose()
    # Scoring walks up from every paragraph; junk nesting thousands deep would make it slow.
    flatten_deep_nesting(body)
    everything = _prose_by_container(body, excluded=set())
    total = everything.get(body.mem_id, 0)
    asides = [
        node
        for node in body.css("[class], [id]")
        if node.tag in _REMOVABLE_ASIDES
        and _ASIDE_NAMES.search(_names(node))
        # A wrapper named for what it sits beside ("has-sidebar") may hold the article.
        and not node.css_first("main, [role=main]")
        and everything.get(node.mem_id, 0) * 2 <= total
    ]
    prose = _prose_by_container(body, excluded={node.mem_id for node in asides})
    for node in asides:
        node.decompose()
    if not prose.get(body.mem_id):
        return body.css_first("main, [role=main]") or _only(body.css("article")) or body
    return _innermost_majority(body, prose)


def _innermost_majority(body: LexborNode, prose: dict[int, int]) -> LexborNode:
    total = prose[body.mem_id]
    best, held = body, total
    # More than half of all prose: such candidates nest, and come ancestors first.
    for node in body.css(f"{_SEMANTIC}, {_NAMED}"):
        chars = prose.get(node.mem_id, 0)
        if chars * 2 <= total or not _is_candidate(node):
            continue
        if best is body or chars >= _INNER_SHARE * held:
            best, held = node, chars
    return best


def _is_candidate(node: LexborNode) -> bool:
    if node.tag in ("article", "main") or node.attributes.get("role") in ("main", "article"):
        return True
    return "itemprop" in node.attributes or bool(_CONTENT_NAMES.search(_names(node)))


def _prose_by_container(body: LexborNode, excluded: set[int]) -> dict[int, int]:
    """Characters of prose (outside links) inside each element, by `mem_id`.

    A paragraph inside another paragraph-like element (a `<p>` in an `<li>`) is counted once,
    with the outer one; one inside an excluded container is not counted at all.
    """
    counts: dict[int, int] = defaultdict(int)
    for element in body.css(_PROSE_SELECTOR):
        chain = [element.mem_id]
        node = element.parent
        while node is not None and node.tag not in _PROSE and node.mem_id not in excluded:
            chain.append(node.mem_id)
            node = node.parent
        if node is not None or element.mem_id in excluded:
            continue  # stopped early: nested in a paragraph or in an excluded container
        chars = _chars(element) - sum(_chars(link) for link in element.css("a"))
        for mem_id in chain:
            counts[mem_id] += max(chars, 0)
    return counts


def _chars(node: LexborNode) -> int:
    return len(" ".join(node.text(deep=True).split()))


def _names(node: LexborNode) -> str:
    return f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"


def _only(nodes: list[LexborNode]) -> LexborNode | None:
    return nodes[0] if len(nodes) == 1 else None
