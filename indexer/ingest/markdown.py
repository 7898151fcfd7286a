"""Markdown files with YAML front matter -> Article.

The body is kept byte for byte (only the blank line after the front matter goes), because
chunk and citation offsets point into it. python-frontmatter strips the body and its boundary
pattern swallows blank lines, so the file is split here and only the YAML goes through it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import yaml
from frontmatter.default_handlers import YAMLHandler

from indexer.ingest.article_ids import checked_id
from indexer.ingest.fields import (
    article_from_fields,
    required_text,
    slug_from_path,
)
from indexer.model import LoadFailure, LoadResult
from indexer.text.unicode import unicode_problem

_DELIMITER = re.compile(r"^-{3,}[ \t]*\r?$", re.MULTILINE)
_YAML = YAMLHandler()


def load_markdown(text: str, source_path: str) -> LoadResult:
    """One Article from a Markdown file, or one LoadFailure saying what is wrong with it."""
    problem = unicode_problem(text)
    if problem:
        return _failed(source_path, *problem)
    opening = _DELIMITER.match(text)
    if opening is None:
        return _failed(source_path, "no YAML front matter (a '---' block with a title)", 1)
    closing = _DELIMITER.search(text, opening.end())
    if closing is None:
        return _failed(source_path, "front matter is never closed with '---'", 1)

    front_matter = text[opening.end() : closing.start()]
    try:
        fields = _YAML.load(front_matter)
    except yaml.YAMLError as exc:
        reason = f"invalid YAML front matter: {_yaml_problem(exc)}"
        return _failed(source_path, reason, _yaml_line(exc))
    except (ValueError, RecursionError) as exc:
        # PyYAML's constructors let these through: `published: 2024-02-30` (no such day), an
        # integer of thousands of digits, collections nested past the recursion limit.
        return _failed(source_path, f"invalid YAML front matter: {exc}", None)
    if fields is None:
        fields = {}
    if not isinstance(fields, Mapping):
        return _failed(source_path, "front matter must be a mapping of field: value", 2)

    try:
        title = required_text(fields.get("title"), "title")
        article = article_from_fields(
            fields,
            article_id=_article_id(fields, source_path),
            title=title,
            text=_body(text, closing.end()),
            source_path=source_path,
        )
    except ValueError as exc:
        return _failed(source_path, str(exc), None)
    return LoadResult(articles=(article,))


def _article_id(fields: Mapping[str, object], source_path: str) -> str:
    if "slug" not in fields:
        derived = slug_from_path(source_path)
        if derived is None:
            raise ValueError("the file name makes no article id: give a `slug`")
        return derived
    slug = fields["slug"]
    if not isinstance(slug, str) or not slug.strip():
        raise ValueError(f"slug must be a non-empty string, got {slug!r}")
    return checked_id(slug, "slug")


def _body(text: str, delimiter_end: int) -> str:
    """Everything after the closing delimiter's line, less one blank line if there is one."""
    body = text[delimiter_end:].removeprefix("\n")
    for blank_line in ("\r\n", "\n"):
        if body.startswith(blank_line):
            return body[len(blank_line) :]
    return body


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        return str(exc.problem)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _yaml_line(exc: yaml.YAMLError) -> int | None:
    # The YAML text starts at the end of the opening delimiter's line (file line 1), and marks
    # count lines from 0.
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def _failed(source_path: str, reason: str, line: int | None) -> LoadResult:
    return LoadResult(articles=(), failures=(LoadFailure(source_path, reason, line),))
