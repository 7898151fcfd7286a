from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.errors import SourceError
from indexer.ingest import load_source

EXAMPLE_ARTICLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
SUPPORTED = {".md", ".markdown", ".html", ".htm", ".jsonl", ".xml", ".rss", ".atom"}


def markdown(title: str, slug: str | None = None) -> str:
    slug_line = f"slug: {slug}\n" if slug else ""
    return f"---\ntitle: {title}\n{slug_line}---\nBody of {title}.\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_a_folder_is_walked_recursively_in_sorted_order_dispatching_by_extension(
    tmp_path: Path,
) -> None:
    write(tmp_path / "b.md", markdown("B"))
    write(tmp_path / "a" / "z.markdown", markdown("Z"))
    write(tmp_path / "a" / "page.HTML", "<article><h1>Page</h1><p>x</p></article>")
    write(tmp_path / "c" / "export.jsonl", json.dumps({"id": "j", "title": "J", "body": "x"}))
    rss = (
        "<rss version='2.0'><channel><title>F</title><item><title>Item</title>"
        "<link>https://x.example/item</link><description>d</description></item></channel></rss>"
    )
    write(tmp_path / "c" / "feed.rss", rss)

    result = load_source(tmp_path)

    assert result.failures == ()
    assert [a.id for a in result.articles] == ["page", "a/z", "b", "j", "item"]


def test_hidden_files_hidden_folders_and_other_kinds_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "kept.md", markdown("Kept"))
    write(tmp_path / ".draft.md", markdown("Hidden file"))
    write(tmp_path / ".git" / "notes.md", markdown("Hidden folder"))
    write(tmp_path / "image.png", b"\x89PNG\r\n")
    write(tmp_path / "README.txt", "not an article")

    result = load_source(tmp_path)

    assert [a.title for a in result.articles] == ["Kept"]
    assert result.failures == ()


def test_a_single_file_is_dispatched_by_its_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "one.md", markdown("One"))

    assert [a.title for a in load_source(str(path)).articles] == ["One"]


def test_a_single_file_of_an_unknown_kind_is_a_source_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.txt", "hello")

    with pytest.raises(SourceError) as raised:
        load_source(path)

    message = str(raised.value)
    assert str(path) in message
    assert "markdown (.md, .markdown)" in message
    assert "feed (.xml, .rss, .atom)" in message


def test_a_missing_path_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        load_source(tmp_path / "nowhere")


def test_a_duplicate_id_keeps_the_first_article_and_reports_the_later_one(
    tmp_path: Path,
) -> None:
    # A page bundle and a file of the same name: both are the page "post".
    first = write(tmp_path / "post" / "index.md", markdown("First"))
    later = write(tmp_path / "post.md", markdown("Later"))

    result = load_source(tmp_path)

    assert [a.title for a in result.articles] == ["First"]
    [failure] = result.failures
    assert failure.path == str(later)
    assert failure.reason == f"duplicate id 'post', first seen in {first}"


def test_two_posts_with_the_same_slug_both_load_under_their_own_paths(tmp_path: Path) -> None:
    write(tmp_path / "a.md", markdown("First", slug="same"))
    write(tmp_path / "b.md", markdown("Later", slug="same"))

    result = load_source(tmp_path)

    assert [(a.id, a.title) for a in result.articles] == [("a", "First"), ("b", "Later")]
    assert result.failures == ()


def test_a_bad_file_does_not_stop_the_others_from_loading(tmp_path: Path) -> None:
    write(tmp_path / "a.md", markdown("Good"))
    bad = write(tmp_path / "b.md", b"---\ntitle: \xff\n---\n")
    write(tmp_path / "c.md", "---\nauthor: nobody\n---\n")

    result = load_source(tmp_path)

    assert [a.title for a in result.articles] == ["Good"]
    assert [f.path for f in result.failures] == [str(bad), str(tmp_path / "c.md")]
    assert "not valid UTF-8" in result.failures[0].reason


def test_every_example_article_loads_without_failures() -> None:
    files = [p for p in EXAMPLE_ARTICLES.rglob("*") if p.suffix.lower() in SUPPORTED]
    if len(files) < 20:
        pytest.skip(f"only {len(files)} example articles written so far")

    result = load_source(EXAMPLE_ARTICLES)

    assert [str(f) for f in result.failures] == []
    assert len(result.articles) >= 20
    assert all(a.title and a.text for a in result.articles)
