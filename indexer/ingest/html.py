"""Saved HTML pages -> Article: metadata from the head and JSON-LD, text from the main content."""

from __future__ import annotations

from datetime import date
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from indexer.ingest.fields import (
    coerce_tags,
    coerce_url,
    optional_names,
    slug_from_path,
    slug_from_url,
)
from indexer.ingest.html_main import main_content
from indexer.ingest.html_meta import (
    first_date,
    json_ld,
    ld_article,
    ld_names,
    link,
    meta,
    metas,
    site_names,
    without_site_name,
)
from indexer.ingest.html_to_markdown import node_to_markdown, strip_boilerplate
from indexer.model import Article, LoadFailure, LoadResult
from indexer.text.unicode import unicode_problem

_MAIN_MARK = "data-footnote-main"


def load_html(text: str, source_path: str) -> LoadResult:
    """One Article from an HTML page, or one LoadFailure saying what is wrong with it."""
    problem = unicode_problem(text)
    if problem:
        return LoadResult(articles=(), failures=(LoadFailure(source_path, *problem),))
    tree = LexborHTMLParser(text)
    # Read before main_content(), which removes the <script>s that carry JSON-LD.
    objects = json_ld(tree)
    ld = ld_article(objects)
    names = site_names(tree, objects)
    main = main_content(tree)
    if main is None:
        return _failed(source_path, "no <body> content")
    heading = _title_heading(tree, main)
    title = (
        (heading and without_site_name(_squash(heading.text()), names, guess=False))
        or _cleaned(meta(tree, "og:title"), names)
        or _cleaned(_first_text(tree, "head title"), names)
    )
    if not title:
        return _failed(source_path, "no title: no <h1>, og:title or <title>")
    try:
        url = coerce_url(_canonical(tree))
        # Read before strip_boilerplate(): an article's <time> often sits in its <header>.
        published, updated = _dates(tree, main, ld)
        tags = coerce_tags(metas(tree, "article:tag") or meta(tree, "keywords"))
        author = meta(tree, "author") or optional_names(ld_names(ld.get("author")), "author")
    except ValueError as exc:
        return _failed(source_path, str(exc))

    article_id = (url and slug_from_url(url)) or slug_from_path(source_path)
    if article_id is None:
        return _failed(source_path, "neither the canonical link nor the file name makes an id")
    if heading is not None and _contains(main, heading):
        heading.decompose()
    strip_boilerplate(main)
    article = Article(
        id=article_id,
        title=title,
        text=node_to_markdown(main),
        source_path=source_path,
        url=url,
        author=author,
        published=published,
        updated=updated,
        tags=tags,
        summary=meta(tree, "description"),
    )
    return LoadResult(articles=(article,))


def _dates(
    tree: LexborHTMLParser, main: LexborNode, ld: dict[str, object]
) -> tuple[date | None, date | None]:
    modified = [
        ("JSON-LD dateModified", ld.get("dateModified")),
        ("article:modified_time", meta(tree, "article:modified_time")),
        ("og:updated_time", meta(tree, "og:updated_time")),
    ]
    published = first_date(
        "published",
        [
            ("JSON-LD datePublished", ld.get("datePublished")),
            ("article:published_time", meta(tree, "article:published_time")),
            ("itemprop=datePublished", _attribute(tree.css_first("[itemprop=datePublished]"))),
            ("<time datetime>", _time_near(main)),
            *modified,  # a page that only says when it changed was published by then
        ],
    )
    return published, first_date("updated", modified)


def _title_heading(tree: LexborHTMLParser, main: LexborNode) -> LexborNode | None:
    """The main content's first `<h1>`, else the last one before it (a post's header sits
    above its body), never one in the site's own header."""
    # Marked so that one selector lists it among the headings, in document order.
    main.attrs[_MAIN_MARK] = ""
    try:
        before: LexborNode | None = None
        passed = False
        for node in tree.css(f"h1, [{_MAIN_MARK}]"):
            if node.mem_id == main.mem_id:
                passed = True
            elif _in_site_header(node):
                continue
            elif _contains(main, node):
                return node
            elif not passed:
                before = node
        return before
    finally:
        del main.attrs[_MAIN_MARK]


def _in_site_header(node: LexborNode) -> bool:
    # An <article>'s own <header> holds its title; one outside any article holds the site's.
    ancestor = node.parent
    in_header = False
    while ancestor is not None:
        if ancestor.tag in ("article", "main") or ancestor.attributes.get("role") == "main":
            return False
        in_header = in_header or ancestor.tag == "header"
        ancestor = ancestor.parent
    return in_header


def _contains(outer: LexborNode, node: LexborNode) -> bool:
    # LexborNode's == compares serialised HTML, hence mem_id for identity.
    ancestor: LexborNode | None = node
    while ancestor is not None:
        if ancestor.mem_id == outer.mem_id:
            return True
        ancestor = ancestor.parent
    return False


def _time_near(main: LexborNode) -> str | None:
    """The `<time datetime>` closest to the main content: inside it, else beside it."""
    scope: LexborNode | None = main
    while scope is not None:
        value = _attribute(scope.css_first("time[datetime]"), "datetime")
        if value:
            return value
        scope = scope.parent
    return None


def _canonical(tree: LexborHTMLParser) -> str | None:
    og_url = meta(tree, "og:url")
    canonical = link(tree, "canonical")
    # A relative canonical link is read against og:url when the page gives one.
    return urljoin(og_url, canonical) if canonical and og_url else canonical or og_url


def _attribute(node: LexborNode | None, *names: str) -> str | None:
    for name in names or ("content", "datetime"):
        value = node.attributes.get(name) if node is not None else None
        if value and value.strip():
            return value.strip()
    return None


def _cleaned(title: str | None, names: list[str]) -> str:
    return without_site_name(_squash(title or ""), names) if title else ""


def _first_text(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    return node.text() if node else ""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _failed(source_path: str, reason: str) -> LoadResult:
    return LoadResult(articles=(), failures=(LoadFailure(source_path, reason),))
