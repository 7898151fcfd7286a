"""Saved HTML pages -> Article: metadata from the head, text from the main content only."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from indexer.ingest.fields import (
    coerce_date,
    coerce_tags,
    coerce_url,
    optional_text,
    slug_from_path,
    slug_from_url,
    unicode_problem,
)
from indexer.ingest.html_to_markdown import main_content, node_to_markdown, strip_boilerplate
from indexer.model import Article, LoadFailure, LoadResult

# An <h1> in these is site chrome (a logo, a widget title), never the article's title.
_CHROME = frozenset({"nav", "aside", "footer", "form"})


def load_html(text: str, source_path: str) -> LoadResult:
    """One Article from an HTML page, or one LoadFailure saying what is wrong with it."""
    problem = unicode_problem(text)
    if problem:
        return LoadResult(articles=(), failures=(LoadFailure(source_path, *problem),))
    tree = LexborHTMLParser(text)
    main = main_content(tree)
    if main is None:
        return _failed(source_path, "no <body> content")
    heading = _title_heading(main)
    title = (
        (heading and _squash(heading.text()))
        or _meta(tree, "og:title")
        or _squash(_first_text(tree, "head title"))
    )
    if not title:
        return _failed(source_path, "no title: no <h1>, og:title or <title>")
    try:
        url = coerce_url(_link(tree, "canonical") or _meta(tree, "og:url"))
        # Dates are read before the chrome goes: an article's <time> often sits in its <header>.
        published = coerce_date(
            _meta(tree, "article:published_time") or _time(main) or _time(tree.root),
            "published",
        )
        updated = coerce_date(_meta(tree, "article:modified_time"), "updated")
        tags = coerce_tags(_metas(tree, "article:tag") or _meta(tree, "keywords"))
    except ValueError as exc:
        return _failed(source_path, str(exc))

    article_id = (url and slug_from_url(url)) or slug_from_path(source_path)
    if article_id is None:
        return _failed(source_path, "neither the canonical link nor the file name makes an id")
    if heading is not None:
        heading.decompose()
    strip_boilerplate(main)
    article = Article(
        id=article_id,
        title=title,
        text=node_to_markdown(main),
        source_path=source_path,
        url=url,
        author=_meta(tree, "author"),
        published=published,
        updated=updated,
        tags=tags,
        summary=_meta(tree, "description"),
    )
    return LoadResult(articles=(article,))


def _title_heading(main: LexborNode) -> LexborNode | None:
    """The main content's first <h1> that is not in page chrome."""
    return next((h for h in main.css("h1") if not _in_chrome(h, main)), None)


def _in_chrome(node: LexborNode, main: LexborNode) -> bool:
    # An <article>'s own <header> holds its title; the <body>'s header holds the site's name.
    # LexborNode's == compares serialised HTML, hence mem_id for identity.
    ancestor = node.parent
    while ancestor is not None and ancestor.mem_id != main.mem_id:
        if ancestor.tag in _CHROME or (ancestor.tag == "header" and main.tag == "body"):
            return True
        ancestor = ancestor.parent
    return False


def _meta(tree: LexborHTMLParser, key: str) -> str | None:
    values = _metas(tree, key)
    return values[0] if values else None


def _metas(tree: LexborHTMLParser, key: str) -> list[str]:
    # Sites mix up `name` and `property` (og:title under name=...), so either is accepted.
    selector = f'meta[property="{key}" i], meta[name="{key}" i]'
    values = (optional_text(node.attributes.get("content"), key) for node in tree.css(selector))
    return [value for value in values if value]


def _link(tree: LexborHTMLParser, rel: str) -> str | None:
    node = tree.css_first(f'link[rel~="{rel}" i]')
    return optional_text(node.attributes.get("href"), rel) if node else None


def _time(node: LexborNode | None) -> str | None:
    element = node.css_first("time[datetime]") if node else None
    return optional_text(element.attributes.get("datetime"), "datetime") if element else None


def _first_text(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    return node.text() if node else ""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _failed(source_path: str, reason: str) -> LoadResult:
    return LoadResult(articles=(), failures=(LoadFailure(source_path, reason),))
