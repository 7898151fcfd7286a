"""A site: where its articles live and the rules that give each its id, date and URL.

`Site` itself is a folder no generator built: Markdown and HTML anywhere under the root, URLs
from a base URL and permalink pattern given by the person indexing (flags or `footnote.toml`).
The generator subclasses (`hugo`, `jekyll`, `zola`) override what their documentation says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from indexer.errors import SourceError
from indexer.ingest.dates import When, parse_when
from indexer.ingest.fields import (
    PUBLISHED_FIELDS,
    coerce_url,
    first_field,
    optional_text,
    without_flags,
)
from indexer.ingest.sites.permalinks import date_tokens, expand, hugo_urlize, join_url
from indexer.ingest.sites.settings import SourceOptions

# `2023-12-11-name.md` (Jekyll, Zola and Hugo's `:filename`), also `2023-12-11_name`.
DATED_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[-_](.*))?$")
_DATED_PATH = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$)")
REPOSITORY_FILES = frozenset(
    {"readme", "license", "licence", "changelog", "contributing", "code_of_conduct",
     "security", "authors", "notice"}
)  # fmt: skip


@dataclass(frozen=True)
class PageInfo:
    """What URL rules need to know of one page."""

    rel: PurePosixPath  # relative to the content root, suffix included
    fields: Mapping[str, object]
    title: str
    when: When | None
    root: Path | None = None  # the content folder it was found in


def bundle_index(rel: PurePosixPath) -> bool:
    """`post/index.md`: a page bundle, whose folder names the page."""
    return rel.stem == "index" and rel.parent != PurePosixPath(".")


def page_name(rel: PurePosixPath) -> str:
    """The file's name without its suffix, or the bundle's folder name."""
    return rel.parent.name if bundle_index(rel) else rel.stem


def date_from_path(rel: PurePosixPath) -> tuple[date | None, str]:
    """A date written in the file (or bundle) name or in the folders, and the name without it."""
    name = page_name(rel)
    match = DATED_NAME.match(name)
    if match:
        found = _date(match.group(1), match.group(2), match.group(3))
        if found is not None:
            return found, match.group(4) or name
    path_match = _DATED_PATH.search(rel.parent.as_posix())
    if path_match:
        return _date(*path_match.groups()), name
    return None, name


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def starts_with_front_matter(
    path: Path, markers: tuple[bytes, ...] = (b"---", b"+++", b"{")
) -> bool:
    """Whether the file opens with front matter (a byte-order mark allowed)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        return False
    return head.startswith(markers)


def zone(name: str | None, where: str) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourceError(f"{where}: unknown time zone {name!r}") from exc


class Site:
    generator = "plain"
    dialect = "plain"  # which template syntax its pages may hold (see indexer.ingest.clean)
    markdown_suffixes: tuple[str, ...] = (".md", ".markdown")
    default_anchors = "github"
    config_path: Path | None = None

    def __init__(self, root: Path, options: SourceOptions) -> None:
        self.root = root
        self.options = options
        self.content_root = root
        self.base_url: str | None = options.base_url
        self.timezone = zone(options.timezone, "timezone")
        self.skip_future = options.future == "skip"
        self.variables: dict[str, object] = {}

    @property
    def anchors(self) -> str:
        return self.options.anchors or self.default_anchors

    def content_roots(self) -> list[Path]:
        return [self.content_root]

    def ignored_folder(self, rel: PurePosixPath) -> bool:
        """Whether a folder (relative to its content root) holds no content at all."""
        return False

    def not_content(self, rel: PurePosixPath, root: Path) -> tuple[str, str | None] | None:
        """Why a file is not an article before it is even read, or None."""
        if rel.stem.lower() in REPOSITORY_FILES:
            return "repository file", f"{rel.name} documents the repository"
        return None

    def with_defaults(self, rel: PurePosixPath, fields: Mapping[str, object]) -> dict[str, object]:
        return dict(fields)

    def page_id(self, rel: PurePosixPath) -> str:
        if rel.stem in ("index", "_index") and rel.parent != PurePosixPath("."):
            return rel.parent.as_posix()
        return rel.with_suffix("").as_posix()

    def when(self, rel: PurePosixPath, fields: Mapping[str, object]) -> When | None:
        """The page's publication moment: a date field, else a date in its file name or path."""
        name, value = first_field(without_flags(fields), PUBLISHED_FIELDS)
        found = parse_when(value, name)
        if found is None:
            found = date_from_path(rel)[0]
        return self.localize(found)

    def localize(self, when: When | None) -> When | None:
        if self.timezone is not None and isinstance(when, datetime) and when.tzinfo:
            return when.astimezone(self.timezone)
        return when

    def url(self, page: PageInfo) -> str | None:
        written = optional_text(page.fields.get("url"), "url") or optional_text(
            page.fields.get("permalink"), "permalink"
        )
        if written:
            # Checked as written too: joined to a base, `//evil.example/x` would name another host.
            return join_url(self.base_url, coerce_url(written, "url") or written)
        if not self.base_url:
            return None
        pattern = self.options.permalink or "/:path/"
        return join_url(self.base_url, expand(pattern, self.tokens(page)))

    def tokens(self, page: PageInfo) -> dict[str, str | list[str]]:
        rel = page.rel
        undated = date_from_path(rel)[1]
        slug = optional_text(page.fields.get("slug"), "slug")
        folders = list((rel.parent.parent if bundle_index(rel) else rel.parent).parts)
        title = hugo_urlize(page.title)
        return {
            **date_tokens(page.when),
            "path": self.page_id(rel),
            "filename": page_name(rel),
            "name": undated,
            "slug": slug or undated,
            "slugorfilename": slug or page_name(rel),
            "title": title,
            "section": folders[0] if folders else "",
            "sections": folders,
        }
