"""One page of a site -> an Article, a skip with its reason, or a failure naming the problem.

Front matter (YAML, TOML or JSON) gives the fields under the names generators use; the site
gives the id, the date rules, the URL and the anchor style; the body becomes clean text.
Redirect stubs, listing pages, pages the generator does not render and future-dated posts
(when the site does not publish them) are skipped, never failed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from indexer.ingest.article_ids import ID_RULE, derived_path_id
from indexer.ingest.clean import clean_page
from indexer.ingest.clean.directives import IncludeReader
from indexer.ingest.dates import calendar_date, parse_when
from indexer.ingest.fields import (
    UPDATED_FIELDS,
    author_of,
    coerce_url,
    first_field,
    is_draft,
    required_text,
    summary_of,
    tags_of,
)
from indexer.ingest.frontmatter import FrontMatterError, split_front_matter
from indexer.ingest.markdown import check_slug
from indexer.ingest.sites import PageInfo, Site
from indexer.model import Article, LoadFailure, LoadResult, SkippedFile
from indexer.text.unicode import unicode_problem

_REDIRECT_FIELDS = ("redirect", "redirect_to", "redirect_url", "redirectTo", "redirect-to")
# A body that loops over the site's pages is a listing (an index, an archive, a tag page).
_LISTING = re.compile(
    r"\{\{-?\s*range\b[^}]*(?:\bpages\b|\.Pages|Paginat|\.Site\.|\bposts\b)"
    r"|\{%-?\s*for\s+\w+\s+in\s+(?:site\.|paginator\.|collections\b)",
)
_RAW_OR_FENCED = re.compile(
    r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}|^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1",
    re.DOTALL | re.MULTILINE,
)
_LISTING_FIELDS = ("paginate", "pagination", "paginator")


@dataclass
class PageOutcome:
    article: Article | None = None
    skipped: SkippedFile | None = None
    failure: LoadFailure | None = None
    included: list[Path] = field(default_factory=list)

    def result(self) -> LoadResult:
        return LoadResult(
            articles=(self.article,) if self.article else (),
            failures=(self.failure,) if self.failure else (),
            skipped=(self.skipped,) if self.skipped else (),
        )


def load_page(
    site: Site, file: Path, content_root: Path, rel: PurePosixPath, text: str, today: date
) -> PageOutcome:
    path = str(file)
    problem = unicode_problem(text)
    if problem:
        return PageOutcome(failure=LoadFailure(path, *problem, kind="not valid Unicode"))
    try:
        front = split_front_matter(text)
    except FrontMatterError as exc:
        return PageOutcome(failure=LoadFailure(path, exc.reason, exc.line, "invalid front matter"))
    fields = site.with_defaults(rel, front.fields)
    skip = _not_an_article(fields, front.body)
    if skip:
        return PageOutcome(skipped=SkippedFile(path, *skip))
    try:
        title = required_text(fields.get("title"), "title")
    except ValueError as exc:
        return PageOutcome(failure=LoadFailure(path, str(exc), None, "missing title"))
    try:
        check_slug(fields)
        when = site.when(rel, fields)
        updated_name, updated = first_field(fields, UPDATED_FIELDS)
        updated_date = calendar_date(site.localize(parse_when(updated, updated_name)))
        author, tags, summary = author_of(fields), tags_of(fields), summary_of(fields)
    except ValueError as exc:
        kind = "bad date" if "is not a date" in str(exc) else "invalid field"
        return PageOutcome(failure=LoadFailure(path, str(exc), None, kind))
    published = calendar_date(when)
    if site.skip_future and published is not None and published > today:
        detail = f"dated {published.isoformat()}; the site publishes it then"
        return PageOutcome(skipped=SkippedFile(path, "future-dated", detail))

    page = PageInfo(rel, fields, title, when, content_root)
    try:
        url = coerce_url(site.url(page))
    except ValueError as exc:
        return PageOutcome(failure=LoadFailure(path, str(exc), None, "invalid url"))
    article_id = derived_path_id(site.page_id(rel))
    if article_id is None:
        reason = f"{rel.as_posix()} makes no article id: {ID_RULE}"
        return PageOutcome(failure=LoadFailure(path, reason, None, "invalid id"))
    outcome = PageOutcome()
    dialect = "go" if site.dialect == "plain" and fields.get("template") is True else site.dialect
    body = clean_page(
        front.body,
        dialect=dialect,
        anchors=site.anchors,
        variables={**site.variables, "page": fields},
        read=_include_reader(file, site.root, outcome.included),
        is_html=rel.suffix.lower() in (".html", ".htm"),
    )
    outcome.article = Article(
        id=article_id,
        title=title,
        text=body,
        source_path=path,
        url=url,
        author=author,
        published=published,
        updated=updated_date,
        tags=tags,
        summary=summary,
        draft=is_draft(fields),
    )
    return outcome


def _not_an_article(fields: Mapping[str, object], body: str) -> tuple[str, str] | None:
    for name in _REDIRECT_FIELDS:
        target = fields.get(name)
        if isinstance(target, str) and target.strip():
            return "redirect stub", f"redirects to {target.strip()}"
    if fields.get("render") is False or fields.get("headless") is True or _build_never(fields):
        return "not rendered", "its front matter asks the generator not to render it"
    if any(fields.get(name) for name in _LISTING_FIELDS):
        return "listing page", "it paginates other pages"
    if _LISTING.search(_RAW_OR_FENCED.sub("", body)):
        return "listing page", "its template loops over the site's pages"
    return None


def _build_never(fields: Mapping[str, object]) -> bool:
    for name in ("_build", "build"):
        options = fields.get(name)
        if isinstance(options, Mapping) and options.get("render") in ("never", False, "false"):
            return True
    return False


def _include_reader(file: Path, root: Path, included: list[Path]) -> IncludeReader:
    """Reads a file a template includes, beside the page or from the site root, never from
    outside the root; remembers it so it is not indexed again on its own."""
    resolved_root = root.resolve()

    def read(name: str) -> str | None:
        for base in (file.parent, root):
            candidate = (base / name).resolve()
            if not candidate.is_relative_to(resolved_root) or not candidate.is_file():
                continue
            try:
                text = candidate.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            included.append(candidate)
            return text
        return None

    return read
