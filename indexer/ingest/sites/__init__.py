"""Site awareness: which generator built a folder, and its rules for ids, dates and URLs.

`detect_site(root, options)` looks for a generator's configuration at the root (Hugo's
`hugo.*`/`config.*`, Jekyll's `_config.yml`, Zola's `config.toml` with `base_url`), reads the
source settings file (`footnote.toml`) and applies the flags. The rules follow each
generator's documentation, not any one site. Imports only the standard library, parsers and
`indexer.ingest` helpers.
"""

from __future__ import annotations

from pathlib import Path

from indexer.ingest.sites.base import PageInfo, Site
from indexer.ingest.sites.hugo import HugoSite, hugo_config
from indexer.ingest.sites.jekyll import JekyllSite, jekyll_config
from indexer.ingest.sites.settings import SourceOptions, read_settings
from indexer.ingest.sites.zola import ZolaSite, zola_config

__all__ = ["PageInfo", "Site", "SourceOptions", "detect_site"]


def detect_site(root: Path, options: SourceOptions | None = None) -> Site:
    """The site at `root`: a generator's when its configuration is there (or `generator`
    names one), else a plain folder. Raises SourceError on an unreadable configuration or
    settings file."""
    settings, _ = read_settings(root)
    options = (options or SourceOptions()).over(settings)
    wanted = options.generator
    if wanted in (None, "zola"):
        found = zola_config(root)
        if found:
            return ZolaSite(root, options, *found)
    if wanted in (None, "hugo"):
        hugo = hugo_config(root)
        if hugo:
            return HugoSite(root, options, *hugo)
    if wanted in (None, "jekyll"):
        jekyll = jekyll_config(root)
        if jekyll:
            return JekyllSite(root, options, *jekyll)
    # A generator named without its configuration here: its rules with their defaults, and
    # the folder itself as the content when it has no content folder.
    kinds: dict[str, type[HugoSite | JekyllSite | ZolaSite]] = {
        "hugo": HugoSite, "jekyll": JekyllSite, "zola": ZolaSite,
    }  # fmt: skip
    if wanted in kinds:
        site = kinds[wanted](root, options, {}, root)
        if not site.content_root.is_dir():
            site.content_root = root
        return site
    return Site(root, options)
