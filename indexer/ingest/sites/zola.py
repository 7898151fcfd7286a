"""Zola: `config.toml` (or `zola.toml`) with `base_url`, pages under `content/`.

From Zola's documentation: a page's URL is its `path` from front matter, else its folders
under `content/` followed by its slug: `slug` from front matter, else the file name (or an
asset folder's name for `index.md`) without a leading date (`2023-12-11-name.md` also gives the
date), made a slug by the `[slugify] paths` strategy. `_index.md` is a section's own page. A
file `name.fr.md` is the page in language `fr`, under `/fr/`.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from indexer.ingest.fields import optional_text
from indexer.ingest.sites.anchors import zola_slug
from indexer.ingest.sites.base import PageInfo, Site, bundle_index, date_from_path
from indexer.ingest.sites.config import dig, read_config, text_or_none
from indexer.ingest.sites.permalinks import join_url
from indexer.ingest.sites.settings import SourceOptions

CONFIG_NAMES = ("zola.toml", "config.toml")
_ANCHORS = {"on": "zola", "safe": "zola-safe", "off": "zola-off"}


def zola_config(root: Path) -> tuple[dict[str, Any], Path] | None:
    for name in CONFIG_NAMES:
        path = root / name
        if path.is_file():
            config = read_config(path)
            if "base_url" in config:
                return config, path
    return None


class ZolaSite(Site):
    generator = "zola"
    dialect = "zola"
    markdown_suffixes = (".md",)
    default_anchors = "zola"

    def __init__(self, root: Path, options: SourceOptions, config: dict[str, Any], marker: Path):
        super().__init__(root, options)
        self.config_path = marker
        self.config = config
        self.content_root = root / "content"
        self.base_url = options.base_url or text_or_none(config.get("base_url"))
        self.default_language = text_or_none(config.get("default_language")) or "en"
        languages = config.get("languages")
        self.languages = set(languages) if isinstance(languages, dict) else set()
        self.paths = str(dig(config, "slugify", "paths") or "on")
        self.variables = {"config": config}

    @property
    def anchors(self) -> str:
        if self.options.anchors:
            return self.options.anchors
        return _ANCHORS.get(str(dig(self.config, "slugify", "anchors") or "on"), "zola")

    def not_content(self, rel: PurePosixPath, root: Path) -> tuple[str, str | None] | None:
        if rel.stem.split(".")[0] == "_index":
            return "section page", f"{rel.name} lists its section"
        if rel.stem != "index" and rel.parent != PurePosixPath("."):
            if (root / rel.parent / "index.md").is_file():
                return "page bundle resource", f"an asset of {rel.parent}/index.md"
        return super().not_content(rel, root)

    def page_id(self, rel: PurePosixPath) -> str:
        stem, language = self._language(rel)
        if stem == "index" and rel.parent != PurePosixPath("."):
            name = rel.parent.as_posix()
        else:
            name = (rel.parent / stem).as_posix() if rel.parent != PurePosixPath(".") else stem
        return f"{name}.{language}" if language else name

    def _language(self, rel: PurePosixPath) -> tuple[str, str | None]:
        stem, _, language = rel.stem.rpartition(".")
        if stem and language in self.languages and language != self.default_language:
            return stem, language
        return rel.stem, None

    def url(self, page: PageInfo) -> str | None:
        if self.base_url is None:
            return None
        _, language = self._language(page.rel)
        prefix = f"/{language}" if language else ""
        written = optional_text(page.fields.get("path"), "path")
        if written:
            return join_url(self.base_url, f"{prefix}/{written.strip('/')}/")
        slug = optional_text(page.fields.get("slug"), "slug")
        if not slug:
            name = page.rel.parent.name if bundle_index(page.rel) else self._language(page.rel)[0]
            slug = date_from_path(PurePosixPath(name + ".md"))[1]
        folders = page.rel.parent.parent if bundle_index(page.rel) else page.rel.parent
        parts = [p for p in folders.parts if p != "."]
        return join_url(self.base_url, "/".join([prefix, *parts, self._slug(slug)]) + "/")

    def _slug(self, text: str) -> str:
        if self.paths == "off":
            return text
        if self.paths == "safe":
            return re.sub(r'[<>:/|?*#\\()\[\]"\n\t\r]', "", text.strip()).replace(" ", "_")
        return zola_slug(text)
