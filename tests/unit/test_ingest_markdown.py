from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.ingest import load_source
from indexer.model import LoadResult

FULL = """---
title: "Redis Caching Patterns"
slug: redis-caching
url: https://blog.example.com/articles/redis-caching
author: Maya Okafor
published: 2022-03-15
updated: 2023-01-02T09:30:00+01:00
tags: [Redis, " Caching ", python]
summary: A practical guide.
---

Most teams add Redis the same way.

## Cache-aside {#cache-aside}

```python
r.get(key)
```
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def only_failure_reason(result: LoadResult) -> str:
    assert result.articles == ()
    assert len(result.failures) == 1
    return result.failures[0].reason


def test_a_markdown_file_with_full_front_matter_becomes_an_article_with_every_field(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "redis.md", FULL)

    result = load_source(path)

    assert result.failures == ()
    [article] = result.articles
    # The id is the file's path in its source, whatever the slug says (the slug shapes URLs).
    assert article.id == "redis"
    assert article.title == "Redis Caching Patterns"
    assert article.url == "https://blog.example.com/articles/redis-caching"
    assert article.author == "Maya Okafor"
    assert article.published == date(2022, 3, 15)
    assert article.updated == date(2023, 1, 2)
    assert article.tags == ("redis", "caching", "python")
    assert article.summary == "A practical guide."
    assert article.draft is False
    assert article.source_path == str(path)
    assert article.text.startswith("Most teams add Redis the same way.\n\n## Cache-aside")


def test_the_body_is_the_file_after_the_front_matter_byte_for_byte(tmp_path: Path) -> None:
    body = "First line.  \n\n\n   indented\ttab\n\n## Heading\n\ntrailing  \n\n"
    path = write(tmp_path, "exact.md", f"---\ntitle: Exact\n---\n\n{body}")

    [article] = load_source(path).articles

    assert article.text == body
    assert path.read_text("utf-8").endswith(article.text)


def test_without_a_blank_line_after_the_front_matter_the_body_starts_at_once(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "tight.md", "---\ntitle: Tight\n---\n\n\nAfter two blank lines.\n")

    [article] = load_source(path).articles

    assert article.text == "\nAfter two blank lines.\n"


def test_the_id_defaults_to_the_file_stem_when_there_is_no_slug(tmp_path: Path) -> None:
    path = write(tmp_path, "my-first-post.md", "---\ntitle: Hello\n---\nBody\n")

    [article] = load_source(path).articles

    assert article.id == "my-first-post"
    assert article.text == "Body\n"


def test_dates_and_tags_written_as_strings_are_coerced(tmp_path: Path) -> None:
    content = (
        "---\ntitle: Strings\npublished: '2024-05-01T23:30:00-05:00'\n"
        "updated: 'Wed, 05 Jun 2024 10:00:00 GMT'\ntags: 'Go, Web Dev,,go'\n---\nBody\n"
    )
    [article] = load_source(write(tmp_path, "s.md", content)).articles

    assert article.published == date(2024, 5, 1)
    assert article.updated == date(2024, 6, 5)
    assert article.tags == ("go", "web dev")


@pytest.mark.parametrize(
    "field", ["draft: true", "status: draft", "status: Unpublished", "status: private"]
)
def test_a_draft_flag_or_an_unpublished_status_marks_the_article_as_a_draft(
    tmp_path: Path, field: str
) -> None:
    path = write(tmp_path, "d.md", f"---\ntitle: Draft\n{field}\n---\nBody\n")

    [article] = load_source(path).articles

    assert article.draft is True


def test_a_published_status_is_not_a_draft(tmp_path: Path) -> None:
    path = write(tmp_path, "p.md", "---\ntitle: Live\nstatus: published\ndraft: false\n---\nB\n")

    [article] = load_source(path).articles

    assert article.draft is False


def test_a_byte_order_mark_does_not_hide_the_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.md", "\ufeff---\ntitle: BOM\n---\nBody\n")

    [article] = load_source(path).articles

    assert article.title == "BOM"


def test_a_file_that_is_not_utf8_is_reported_with_its_path_and_byte_offset(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "latin1.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1"))

    result = load_source(path)

    [failure] = result.failures
    assert result.articles == ()
    assert failure.path == str(path)
    assert "not valid UTF-8" in failure.reason
    assert "offset 14" in failure.reason
    assert failure.line == 2


def test_unparsable_front_matter_is_reported_with_its_line(tmp_path: Path) -> None:
    content = "---\ntitle: Broken\n  author: x\n---\nBody\n"
    path = write(tmp_path, "broken.md", content)

    result = load_source(path)

    reason = only_failure_reason(result)
    assert reason.startswith("invalid YAML front matter: mapping values are not allowed")
    assert result.failures[0].line == 3


def test_front_matter_that_is_not_a_mapping_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "list.md", "---\n- just\n- a list\n---\nBody\n")

    assert "mapping" in only_failure_reason(load_source(path))


def test_a_file_without_a_title_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "untitled.md", "---\nauthor: Someone\n---\nBody\n")

    assert only_failure_reason(load_source(path)) == "missing title"


def test_a_file_without_front_matter_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.md", "# Just a heading\n\nText\n")

    assert "no YAML front matter" in only_failure_reason(load_source(path))


def test_front_matter_that_is_never_closed_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "open.md", "---\ntitle: Open\n\nBody without a closing line\n")

    assert "never closed" in only_failure_reason(load_source(path))


def test_an_empty_slug_is_reported_as_a_missing_id(tmp_path: Path) -> None:
    path = write(tmp_path, "noid.md", "---\ntitle: No id\nslug: ''\n---\nBody\n")

    assert "slug must be a non-empty string" in only_failure_reason(load_source(path))


def test_a_bad_date_is_reported_naming_the_field_and_value(tmp_path: Path) -> None:
    path = write(tmp_path, "date.md", "---\ntitle: Dated\npublished: next tuesday\n---\nB\n")

    reason = only_failure_reason(load_source(path))

    assert "published" in reason
    assert "'next tuesday' is not a date" in reason
