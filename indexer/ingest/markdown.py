"""One Markdown file with front matter -> Article, knowing nothing of the site around it.

This is the context-free reading: the body is kept as written and the id is the file's stem.
Walking a folder (`indexer.ingest.source`) reads Markdown through `indexer.ingest.pages`
instead, which adds what the site decides: URLs, dates from file names, clean text, anchors.
"""

from __future__ import annotations

from indexer.ingest.fields import (
    article_from_fields,
    required_text,
    slug_from_path,
)
from indexer.ingest.frontmatter import FrontMatterError, split_front_matter
from indexer.model import LoadFailure, LoadResult
from indexer.text.unicode import unicode_problem


def load_markdown(text: str, source_path: str) -> LoadResult:
    """One Article from a Markdown file, or one LoadFailure saying what is wrong with it."""
    problem = unicode_problem(text)
    if problem:
        return _failed(source_path, *problem)
    try:
        front = split_front_matter(text)
    except FrontMatterError as exc:
        return _failed(source_path, exc.reason, exc.line, "invalid front matter")
    try:
        check_slug(front.fields)
        article_id = slug_from_path(source_path)
        if article_id is None:
            raise ValueError("the file name makes no article id: rename the file")
        article = article_from_fields(
            front.fields,
            article_id=article_id,
            title=required_text(front.fields.get("title"), "title"),
            text=front.body,
            source_path=source_path,
        )
    except ValueError as exc:
        return _failed(source_path, str(exc), None)
    return LoadResult(articles=(article,))


def check_slug(fields: object) -> None:
    """A `slug` that is present must be a non-empty string (it names the post's URL)."""
    if isinstance(fields, dict) and "slug" in fields:
        slug = fields["slug"]
        if not isinstance(slug, str | int) or not str(slug).strip():
            raise ValueError(f"slug must be a non-empty string, got {slug!r}")


def _failed(source_path: str, reason: str, line: int | None, kind: str | None = None) -> LoadResult:
    return LoadResult(articles=(), failures=(LoadFailure(source_path, reason, line, kind),))
