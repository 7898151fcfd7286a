"""A sitemap (sitemaps.org 0.9) -> the pages it lists, each with its <lastmod>.

The standard library's parser is enough here: the text is already capped in size by the
fetcher, ElementTree never fetches external entities, and the expat it ships with refuses the
exponential entity expansion ("billion laughs") since 2.4."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from urllib.parse import urljoin

from indexer.errors import SyncError


@dataclass(frozen=True)
class Listed:
    """A page a source's listing names, with the date the listing gives it (if any)."""

    url: str
    lastmod: str | None = None


def parse_sitemap(text: str, url: str) -> list[Listed]:
    """The pages of a <urlset>, in order, each once. Raises SyncError for text that is not a
    sitemap, and for a sitemap index (each of its sitemaps is configured as a source)."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise SyncError(f"{url}: not a sitemap: {exc}") from exc
    kind = _local(root.tag)
    if kind == "sitemapindex":
        raise SyncError(
            f"{url}: a sitemap index; configure each sitemap it lists as a source of its own"
        )
    if kind != "urlset":
        raise SyncError(f"{url}: not a sitemap: the root element is <{kind}>, not <urlset>")
    pages: dict[str, Listed] = {}
    for entry in root:
        if _local(entry.tag) != "url":
            continue
        fields = {_local(child.tag): (child.text or "").strip() for child in entry}
        loc = fields.get("loc")
        if loc:
            # A relative <loc> breaks the protocol, but resolving it costs nothing.
            page = urljoin(url, loc)
            pages.setdefault(page, Listed(page, fields.get("lastmod") or None))
    return list(pages.values())


def _local(tag: str) -> str:
    """The element's name without its namespace: sitemaps in the wild use several."""
    return tag.rsplit("}", 1)[-1]
