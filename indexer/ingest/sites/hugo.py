"""Hugo: `hugo.{toml,yaml,json}` or `config.*`, `config/_default/`, content under `contentDir`.

From Hugo's documentation: a page's URL is `url` from its front matter, else the permalink
pattern configured for its section, else its path under the content folder with `slug`
replacing the file name; bundles (`post/index.md`) are named by their folder, and the other
Markdown files in a bundle are its resources, not pages; `_index.md` is a section's own page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from indexer.ingest.dates import When, parse_when
from indexer.ingest.fields import optional_text, without_flags
from indexer.ingest.sites.base import (
    DATED_NAME,
    PageInfo,
    Site,
    bundle_index,
    starts_with_front_matter,
    zone,
)
from indexer.ingest.sites.config import dig, folded, read_config, text_or_none
from indexer.ingest.sites.permalinks import expand, hugo_urlize, join_url
from indexer.ingest.sites.settings import SourceOptions

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
LEGACY_NAMES = ("config.toml", "config.yaml", "config.yml", "config.json")
_ANCHOR_TYPES = {"github": "hugo", "github-ascii": "hugo-ascii", "blackfriday": "blackfriday"}
_DEFAULT_DATES = ["date", "publishdate", "pubdate", "published", "lastmod", "modified"]


def hugo_config(root: Path) -> tuple[dict[str, Any], Path] | None:
    """The merged configuration, and the file that marks the site, or None when not Hugo.
    A `config.*` file counts only with a `baseURL` (Zola's `config.toml` has `base_url`)."""
    marker = next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)
    if marker is None:
        legacy = next((root / n for n in LEGACY_NAMES if (root / n).is_file()), None)
        if legacy is not None and "baseurl" in folded(read_config(legacy)):
            marker = legacy
    default_dir = root / "config" / "_default"
    if (
        marker is None
        and not any(default_dir.glob("hugo.*"))
        and not any(default_dir.glob("config.*"))
    ):
        return None
    config = folded(read_config(marker)) if marker else {}
    if default_dir.is_dir():
        for part in sorted(default_dir.iterdir()):
            if part.suffix.lower() not in (".toml", ".yaml", ".yml", ".json"):
                continue
            data = folded(read_config(part))
            if part.stem.lower() in ("hugo", "config"):
                config = {**data, **config}
            else:
                config.setdefault(part.stem.lower(), data)
    return config, marker or default_dir


class HugoSite(Site):
    generator = "hugo"
    dialect = "hugo"
    default_anchors = "hugo"

    def __init__(self, root: Path, options: SourceOptions, config: dict[str, Any], marker: Path):
        super().__init__(root, options)
        self.config_path = marker
        self.config = config
        self.base_url = options.base_url or text_or_none(config.get("baseurl"))
        self.timezone = zone(options.timezone or text_or_none(config.get("timezone")), str(marker))
        self.skip_future = options.future == "skip" or (
            options.future is None and not config.get("buildfuture", False)
        )
        self.lower = not config.get("disablepathtolower", False)
        self.ugly = bool(config.get("uglyurls", False))
        permalinks = config.get("permalinks") or {}
        if isinstance(permalinks.get("page"), Mapping):
            permalinks = permalinks["page"]
        self.permalinks = {str(k).strip("/"): str(v) for k, v in permalinks.items()
                           if isinstance(v, str)}  # fmt: skip
        dates = dig(config, "frontmatter", "date")
        self.date_fields = (
            [str(d).lower() for d in dates] if isinstance(dates, list) else _DEFAULT_DATES
        )
        self.languages = self._languages()
        self.content_root = root / (text_or_none(config.get("contentdir")) or "content")

    def _languages(self) -> dict[Path, str | None]:
        """Content folders of the other languages, with the URL prefix each gets."""
        default = text_or_none(self.config.get("defaultcontentlanguage")) or "en"
        found: dict[Path, str | None] = {}
        languages = self.config.get("languages")
        for name, settings in languages.items() if isinstance(languages, Mapping) else []:
            folder = text_or_none(dig(settings, "contentdir"))
            if folder:
                found[self.root / folder] = None if name == default else str(name)
        return found

    @property
    def anchors(self) -> str:
        if self.options.anchors:
            return self.options.anchors
        if dig(self.config, "markup", "defaultmarkdownhandler") == "blackfriday":
            return "blackfriday"
        if dig(self.config, "markup", "goldmark", "parser", "autoheadingid") is False:
            return "none"
        kind = dig(self.config, "markup", "goldmark", "parser", "autoheadingidtype")
        return _ANCHOR_TYPES.get(str(kind).lower(), "hugo") if kind else "hugo"

    def content_roots(self) -> list[Path]:
        return list(dict.fromkeys([self.content_root, *self.languages]))

    def not_content(self, rel: PurePosixPath, root: Path) -> tuple[str, str | None] | None:
        if rel.stem == "_index" or (rel.stem == "index" and rel.parent == PurePosixPath(".")):
            return "section page", f"{rel.name} lists its section"
        if rel.stem != "index" and rel.parent != PurePosixPath("."):
            folder = root / rel.parent
            if any((folder / f"index{s}").is_file() for s in (".md", ".markdown", ".html")):
                return "page bundle resource", f"a resource of the bundle {rel.parent}/index.md"
        if rel.suffix.lower() in (".html", ".htm") and not starts_with_front_matter(root / rel):
            return "not content", "an HTML file without front matter is a static asset"
        return super().not_content(rel, root)

    def when(self, rel: PurePosixPath, fields: Mapping[str, object]) -> When | None:
        lowered = {str(k).lower(): v for k, v in without_flags(fields).items()}
        for source in self.date_fields:
            if source == ":filename":
                match = DATED_NAME.match(rel.parent.name if bundle_index(rel) else rel.stem)
                found: When | None = None
                if match:
                    found = parse_when("-".join(match.group(1, 2, 3)), "file name")
            elif source.startswith(":"):
                continue  # file times and Git dates say nothing a reader would call a date
            else:
                found = parse_when(lowered.get(source), source)
            if found is not None:
                return self.localize(found)
        return None

    def localize(self, when: When | None) -> When | None:
        # Hugo keeps a written offset; only dates without one are in the site's zone.
        return when

    def url(self, page: PageInfo) -> str | None:
        written = optional_text(page.fields.get("url"), "url")
        if written:
            return join_url(self.base_url, written)
        if self.base_url is None:
            return None
        tokens = self.tokens(page)
        section_path = "/".join(tokens["sections"])
        pattern = self.options.permalink or self._pattern(section_path)
        if pattern is None:
            path = "/".join([*tokens["sections"], str(tokens["slugorfilename"])])
            path = "/" + hugo_urlize(path, self.lower)
            path += ".html" if self.ugly else "/"
        else:
            path = expand(pattern, tokens)
        return join_url(self._language_base(page), path)

    def _pattern(self, section_path: str) -> str | None:
        parts = section_path.split("/") if section_path else []
        for cut in range(len(parts), 0, -1):
            pattern = self.permalinks.get("/".join(parts[:cut]))
            if pattern:
                return pattern
        return None

    def _language_base(self, page: PageInfo) -> str | None:
        language = self.languages.get(page.root) if page.root else None
        if language and self.base_url:
            return self.base_url.rstrip("/") + "/" + language
        return self.base_url

    def tokens(self, page: PageInfo) -> dict[str, str | list[str]]:
        tokens = super().tokens(page)
        slug = optional_text(page.fields.get("slug"), "slug")
        title = hugo_urlize(page.title, self.lower)
        tokens["title"] = title
        tokens["slug"] = hugo_urlize(slug, self.lower) if slug else title
        tokens["slugorfilename"] = hugo_urlize(slug, self.lower) if slug else tokens["filename"]
        tokens["contentbasename"] = tokens["filename"]
        tokens["slugorcontentbasename"] = tokens["slugorfilename"]
        if page.when is None:
            tokens.update(year="0001", month="01", day="01")
        return tokens
