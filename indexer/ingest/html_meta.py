"""What a saved page says about itself: meta tags, links, JSON-LD and its title's site name.

Pages describe themselves in several overlapping ways (Open Graph, `article:*` meta, a
schema.org JSON-LD block, often as an `@graph`), so each reader here returns what it found
and the loader decides which one wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from selectolax.lexbor import LexborHTMLParser

from indexer.ingest.fields import coerce_date, optional_text

JsonLd = dict[str, object]

# How deep a JSON-LD document is searched: real ones nest an article in @graph or mainEntity.
_MAX_LD_DEPTH = 8
# Separators between a page's title and its site's name, in the order they are tried.
_SEPARATORS = (" | ", " — ", " – ", " - ", " · ", " :: ", " » ")
# With no site name known, only what follows these is cut: a title rarely holds them, while
# " - " and dashes are common inside titles ("Go 1.22 - What's new").
_SITE_SEPARATORS = (" | ", " · ")


def meta(tree: LexborHTMLParser, key: str) -> str | None:
    values = metas(tree, key)
    return values[0] if values else None


def metas(tree: LexborHTMLParser, key: str) -> list[str]:
    # Sites mix up `name` and `property` (og:title under name=...), so either is accepted.
    selector = f'meta[property="{key}" i], meta[name="{key}" i]'
    values = (optional_text(node.attributes.get("content"), key) for node in tree.css(selector))
    return [value for value in values if value]


def link(tree: LexborHTMLParser, rel: str) -> str | None:
    node = tree.css_first(f'link[rel~="{rel}" i][href]')
    return optional_text(node.attributes.get("href"), rel) if node else None


def json_ld(tree: LexborHTMLParser) -> list[JsonLd]:
    """Every object of every JSON-LD block, nested ones included (`@graph`, `mainEntity`).

    A block that is not valid JSON is skipped: it is invisible on the page, and a page with
    broken structured data still has readable content.
    """
    found: list[JsonLd] = []
    for script in tree.css('script[type="application/ld+json" i]'):
        try:
            document = json.loads(script.text(deep=True))
        except ValueError:
            continue
        found.extend(_objects(document, _MAX_LD_DEPTH))
    return found


def _objects(value: object, depth: int) -> Iterator[JsonLd]:
    if depth == 0:
        return
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, depth - 1)
    elif isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item, depth - 1)


def ld_article(objects: list[JsonLd]) -> JsonLd:
    """The object describing the article (an Article, BlogPosting, NewsArticle...), else the
    WebPage; empty when there is neither."""
    pages: list[JsonLd] = []
    for obj in objects:
        kinds = _types(obj)
        if any(k.endswith(("Article", "Posting")) or k == "Report" for k in kinds):
            return obj
        if any(k.endswith("Page") for k in kinds):
            pages.append(obj)
    return pages[0] if pages else {}


def ld_names(value: object) -> list[str]:
    """Names from a JSON-LD person or organisation, a list of them, or plain strings."""
    items = value if isinstance(value, list) else [value]
    names = [item.get("name") if isinstance(item, dict) else item for item in items]
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def site_names(tree: LexborHTMLParser, objects: list[JsonLd]) -> list[str]:
    """The names the site goes by, as a page's title may carry them."""
    names = [*metas(tree, "og:site_name"), *metas(tree, "application-name")]
    for obj in objects:
        if "WebSite" in _types(obj) or "Organization" in _types(obj):
            names.extend(ld_names(obj))
    names.extend(ld_names(ld_article(objects).get("publisher")))
    home = tree.css_first("a[rel~=home]")
    if home is not None:
        names.append(" ".join(home.text().split()))
    return [name for name in dict.fromkeys(names) if name]


def without_site_name(title: str, names: list[str], *, guess: bool = True) -> str:
    """`title` without a " | Site" suffix or "Site - " prefix; never empty. With `guess`, a
    title with no known site name loses the shorter side of a " | " or " · " too."""
    lowered = title.lower()
    for name in names:
        for separator in _SEPARATORS:
            suffix = (separator + name).lower()
            if lowered.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
            prefix = (name + separator).lower()
            if lowered.startswith(prefix) and len(title) > len(prefix):
                return title[len(prefix) :].strip()
    for separator in _SITE_SEPARATORS if guess else ():
        head, found, _ = title.rpartition(separator)
        if found and head.strip():
            return head.strip()
    return title


def first_date(field: str, candidates: list[tuple[str, object]]) -> date | None:
    """The first of `candidates` (where the page says it, value) that is a date.

    A page may say its date in several places and get one of them wrong; only when none of
    them is a date is the first bad one reported (ValueError naming where, field and value).
    """
    problem: str | None = None
    for source, value in candidates:
        try:
            found = coerce_date(value, field)
        except ValueError as exc:
            problem = problem or f"{source}: {exc}"
            continue
        if found is not None:
            return found
    if problem is not None:
        raise ValueError(problem)
    return None


def _types(obj: JsonLd) -> list[str]:
    kinds = obj.get("@type")
    items = kinds if isinstance(kinds, list) else [kinds]
    # A type may be written as a full IRI: "https://schema.org/BlogPosting".
    return [kind.rsplit("/", 1)[-1] for kind in items if isinstance(kind, str)]
