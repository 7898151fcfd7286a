"""Jekyll: `_config.yml`, posts in `_posts` (dated file names), collections, pages.

From Jekyll's documentation: a post's date is its `date`, else its file name's, in the site's
`timezone`; its URL is `permalink` from its front matter, else its collection's permalink,
else the site's (a style such as `date` or `pretty`, or a pattern); `:title` is the file name's
slug, `:categories` the post's categories (and the folders above `_posts`). `defaults` in the
configuration give front matter by path and type. Files without front matter are copied as
static files, not rendered.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from indexer.ingest.fields import optional_text
from indexer.ingest.sites.base import (
    PageInfo,
    Site,
    date_from_path,
    starts_with_front_matter,
    zone,
)
from indexer.ingest.sites.config import dig, read_config, text_or_none
from indexer.ingest.sites.permalinks import date_tokens, expand, jekyll_slugify, join_url
from indexer.ingest.sites.settings import SourceOptions

CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_NOT_SOURCE = frozenset({"_site", "node_modules", "vendor", ".jekyll-cache", ".sass-cache"})


def jekyll_config(root: Path) -> tuple[dict[str, Any], Path] | None:
    marker = next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)
    return (read_config(marker), marker) if marker else None


class JekyllSite(Site):
    generator = "jekyll"
    dialect = "liquid"
    default_anchors = "kramdown-gfm"

    def __init__(self, root: Path, options: SourceOptions, config: dict[str, Any], marker: Path):
        super().__init__(root, options)
        self.config_path = marker
        self.config = config
        self.content_root = root / (text_or_none(config.get("source")) or ".")
        url = text_or_none(config.get("url")) or ""
        baseurl = text_or_none(config.get("baseurl")) or ""
        self.base_url = options.base_url or ((url.rstrip("/") + baseurl) if url else None)
        self.timezone = zone(options.timezone or text_or_none(config.get("timezone")), str(marker))
        self.skip_future = options.future == "skip" or (
            options.future is None and not config.get("future", False)
        )
        self.collections = _collections(config.get("collections"))
        self.collections_dir = text_or_none(config.get("collections_dir")) or ""
        exts = str(config.get("markdown_ext") or "markdown,mkdown,mkdn,mkd,md")
        self.markdown_suffixes = tuple(f".{e.strip().lower()}" for e in exts.split(","))
        self.excluded = [str(p) for p in config.get("exclude") or [] if isinstance(p, str)]
        self.variables = {"site": config, "jekyll": {"environment": "production"}}

    @property
    def anchors(self) -> str:
        if self.options.anchors:
            return self.options.anchors
        kramdown = self.config.get("kramdown") or {}
        if isinstance(kramdown, Mapping) and kramdown.get("auto_ids") is False:
            return "none"
        source = str(dig(kramdown, "input") or "GFM") if isinstance(kramdown, Mapping) else "GFM"
        return "kramdown" if source.lower() == "kramdown" else "kramdown-gfm"

    def ignored_folder(self, rel: PurePosixPath) -> bool:
        name = rel.name
        if name in _NOT_SOURCE or self._config_excluded(rel):
            return True
        if not name.startswith("_"):
            return False
        return name not in ("_posts", "_drafts") and name[1:] not in self.collections

    def _config_excluded(self, rel: PurePosixPath) -> bool:
        path = rel.as_posix()
        return any(fnmatch.fnmatch(path, p.strip("/")) or path == p.strip("/")
                   for p in self.excluded)  # fmt: skip

    def kind(self, rel: PurePosixPath) -> str:
        parts = rel.parts[:-1]
        if "_drafts" in parts:
            return "drafts"
        if "_posts" in parts:
            return "posts"
        for part in parts:
            if part.startswith("_") and part[1:] in self.collections:
                return part[1:]
        return "pages"

    def not_content(self, rel: PurePosixPath, root: Path) -> tuple[str, str | None] | None:
        if self._config_excluded(rel):
            return "excluded", "listed under exclude in _config.yml"
        kind = self.kind(rel)
        if kind == "drafts" and not self.config.get("show_drafts"):
            return "draft", "in _drafts"
        if kind not in ("posts", "pages", "drafts") and not self.collections[kind].get("output"):
            return "unpublished collection", f"collection {kind!r} has output: false"
        if not starts_with_front_matter(root / rel, (b"---",)):
            return "static file", "no front matter: Jekyll copies it as it is"
        return super().not_content(rel, root)

    def with_defaults(self, rel: PurePosixPath, fields: Mapping[str, object]) -> dict[str, object]:
        merged: dict[str, object] = {}
        kind = "posts" if self.kind(rel) == "drafts" else self.kind(rel)
        for entry in self.config.get("defaults") or []:
            scope = entry.get("scope") or {} if isinstance(entry, Mapping) else {}
            values = entry.get("values") if isinstance(entry, Mapping) else None
            if not isinstance(values, Mapping) or not isinstance(scope, Mapping):
                continue
            path = str(scope.get("path") or "").strip("/")
            in_path = (
                not path
                or fnmatch.fnmatch(rel.as_posix(), path)
                or (rel.as_posix() + "/").startswith(path + "/")
            )
            if in_path and scope.get("type") in (None, kind):
                merged.update(values)
        return {**merged, **fields}

    def url(self, page: PageInfo) -> str | None:
        kind = self.kind(page.rel)
        written = optional_text(page.fields.get("permalink"), "permalink")
        if written:
            pattern = written
        elif kind in ("posts", "drafts"):
            pattern = self._collection_pattern("posts") or self._site_pattern()
        elif kind == "pages":
            pattern = "/:path/:basename" + (
                "/" if self._site_pattern().endswith("/") else ":output_ext"
            )
        else:
            pattern = self._collection_pattern(kind) or "/:collection/:path:output_ext"
        path = expand(pattern, self.tokens(page))
        if path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return join_url(self.base_url, path)

    def _collection_pattern(self, label: str) -> str | None:
        value = self.collections.get(label, {}).get("permalink")
        return STYLES.get(value, value) if isinstance(value, str) else None

    def _site_pattern(self) -> str:
        value = str(self.config.get("permalink") or "date")
        return STYLES.get(value, value)

    def tokens(self, page: PageInfo) -> dict[str, str | list[str]]:
        rel = page.rel
        kind = self.kind(rel)
        undated = date_from_path(rel)[1] if kind in ("posts", "drafts") else rel.stem
        slug = optional_text(page.fields.get("slug"), "slug")
        base = slug or undated
        inside = _inside_collection(rel, kind)
        categories = _categories(page.fields) + _folder_categories(rel)
        return {
            **date_tokens(page.when),
            "title": jekyll_slugify(base, "pretty", cased=True),
            "slug": jekyll_slugify(base),
            "name": jekyll_slugify(rel.stem),
            "basename": rel.stem,
            "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
            "collection": kind,
            "path": inside.with_suffix("").as_posix()
            if kind != "pages"
            else ("" if inside.parent == PurePosixPath(".") else inside.parent.as_posix()),
            "output_ext": ".html",
        }


def _collections(value: object) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {"posts": {"output": True}}
    if isinstance(value, list):
        found.update({str(name): {"output": False} for name in value})
    elif isinstance(value, Mapping):
        for name, settings in value.items():
            found[str(name)] = dict(settings) if isinstance(settings, Mapping) else {}
    found["posts"].setdefault("output", True)
    return found


def _inside_collection(rel: PurePosixPath, kind: str) -> PurePosixPath:
    marker = "_posts" if kind in ("posts", "drafts") else f"_{kind}"
    if kind == "drafts":
        marker = "_drafts"
    if marker in rel.parts:
        index = rel.parts.index(marker)
        return PurePosixPath(*rel.parts[index + 1 :])
    return rel


def _categories(fields: Mapping[str, object]) -> list[str]:
    found: list[str] = []
    for name in ("category", "categories"):
        value = fields.get(name)
        if isinstance(value, str):
            found.extend(value.split() if name == "categories" else [value])
        elif isinstance(value, list):
            found.extend(str(v) for v in value)
    return found


def _folder_categories(rel: PurePosixPath) -> list[str]:
    if "_posts" not in rel.parts:
        return []
    return [p for p in rel.parts[: rel.parts.index("_posts")] if not p.startswith("_")]
