"""Walking a source folder the way its site does: content folders, skip rules, ids, URLs.

Every file met is an article, a skip with a reason, a failure naming the problem, or (when it
is not a kind Footnote reads: images, stylesheets) silently passed over. Ids come from each
page's path under its content folder, so they stay the same from one run to the next; two
pages with one id or one URL are both named in the failure of the later one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Protocol

from indexer.ingest.frontmatter import has_front_matter
from indexer.ingest.pages import load_page
from indexer.ingest.sites import Site, SourceOptions, detect_site
from indexer.model import Article, LoadFailure, LoadResult, SkippedFile

Loader = Callable[[str, str], LoadResult]


class FailureSink(Protocol):
    def fail(self, failure: LoadFailure) -> None: ...


# Reads and decodes a file, or reports to the sink why it cannot and returns None.
Decoder = Callable[[Path, FailureSink], str | None]
_HTML = (".html", ".htm")
# A page has at least one of these; an HTML file with none is a piece of one (an include).
_PAGE_MARKS = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|h1|article|main)\b", re.IGNORECASE
)


def load_folder(
    root: Path, options: SourceOptions, loaders: dict[str, Loader], decode: Decoder
) -> LoadResult:
    site = detect_site(root, options)
    today = options.today or date.today()
    excluded = [_glob(p) for p in site.options.exclude]
    walk = _Walk(site)
    # Results in walk order; an HTML file without front matter waits until every page has
    # said which files it includes (an included file is a fragment, not an article).
    slots: list[LoadResult | tuple[Path, str]] = []
    for file, content_root, rel in _files(site):
        suffix = rel.suffix.lower()
        markdown = suffix in site.markdown_suffixes
        if not markdown and suffix not in _HTML and suffix not in loaders:
            continue
        pattern = next((p for p, rx in excluded if _matches(rx, file, root, rel)), None)
        if pattern:
            slots.append(_skipped(file, "excluded", f"matches {pattern!r}"))
            continue
        reason = site.not_content(rel, content_root)
        if reason:
            slots.append(_skipped(file, *reason))
            continue
        text = decode(file, walk)
        if text is None:
            continue
        if markdown or (suffix in _HTML and has_front_matter(text)):
            outcome = load_page(site, file, content_root, rel, text, today)
            walk.included.update(outcome.included)
            slots.append(outcome.result())
        elif site.generator != "plain":
            slots.append(_skipped(file, "not content", f"{suffix} files are not pages here"))
        elif suffix in _HTML:
            slots.append((file, text))
        else:
            slots.append(loaders[suffix](text, str(file)))
    for slot in slots:
        if isinstance(slot, LoadResult):
            walk.merge(slot)
            continue
        file, text = slot
        if file.resolve() in walk.included:
            walk.skip(SkippedFile(str(file), "include fragment", "included by a page's template"))
        elif not _PAGE_MARKS.search(text):
            detail = "no <html>, <body>, <title> or <h1>: a piece of a page"
            walk.skip(SkippedFile(str(file), "include fragment", detail))
        else:
            walk.merge(loaders[file.suffix.lower()](text, str(file)))
    return walk.result()


def _skipped(file: Path, reason: str, detail: str | None) -> LoadResult:
    return LoadResult(articles=(), skipped=(SkippedFile(str(file), reason, detail),))


class _Walk:
    """What the walk found so far, and the ids and URLs already taken."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.articles: list[Article] = []
        self.failures: list[LoadFailure] = []
        self.skipped: list[SkippedFile] = []
        self.included: set[Path] = set()
        self._ids: dict[str, str] = {}
        self._urls: dict[str, str] = {}

    def skip(self, skipped: SkippedFile) -> None:
        self.skipped.append(skipped)

    def fail(self, failure: LoadFailure) -> None:
        self.failures.append(failure)

    def merge(self, result: LoadResult) -> None:
        self.failures.extend(result.failures)
        self.skipped.extend(result.skipped)
        for article in result.articles:
            first = self._ids.get(article.id)
            if first is not None:
                reason = f"duplicate id {article.id!r}, first seen in {first}"
                self.failures.append(LoadFailure(article.source_path, reason, kind="duplicate id"))
                continue
            taken = self._urls.get(article.url) if article.url and not article.draft else None
            if taken is not None:
                reason = f"same URL {article.url} as {taken}"
                self.failures.append(LoadFailure(article.source_path, reason, kind="same URL"))
                continue
            self._ids[article.id] = article.source_path
            if article.url and not article.draft:
                self._urls[article.url] = article.source_path
            self.articles.append(article)

    def result(self) -> LoadResult:
        return LoadResult(tuple(self.articles), tuple(self.failures), tuple(self.skipped))


def _files(site: Site) -> list[tuple[Path, Path, PurePosixPath]]:
    found: list[tuple[Path, Path, PurePosixPath]] = []
    for content_root in site.content_roots():
        if not content_root.is_dir():
            continue
        for folder, dirnames, filenames in os.walk(content_root):
            here = PurePosixPath(Path(folder).relative_to(content_root).as_posix())
            dirnames[:] = [
                d for d in dirnames if not d.startswith(".") and not site.ignored_folder(here / d)
            ]
            for name in filenames:
                if not name.startswith("."):
                    found.append((Path(folder, name), content_root, here / name))
    # Sorting by path components keeps a folder's files together ("a/z" before "a-b/c").
    return sorted(found, key=lambda entry: entry[0].relative_to(site.root).parts)


def _glob(pattern: str) -> tuple[str, re.Pattern[str]]:
    """A glob as gitignore writes them: `*` stays within a folder, `**` crosses folders, and a
    pattern without a slash matches a name at any depth."""
    text = pattern.strip().strip("/")
    out = []
    index = 0
    while index < len(text):
        if text.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif text.startswith("**", index):
            out.append(".*")
            index += 2
        elif text[index] == "*":
            out.append("[^/]*")
            index += 1
        elif text[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(text[index]))
            index += 1
    prefix = "" if "/" in text else "(?:.*/)?"
    return pattern, re.compile(f"^{prefix}{''.join(out)}(?:/.*)?$")


def _matches(rx: re.Pattern[str], file: Path, root: Path, rel: PurePosixPath) -> bool:
    from_root = file.relative_to(root).as_posix()
    return bool(rx.match(from_root) or rx.match(rel.as_posix()))
