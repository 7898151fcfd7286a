"""Article ids: one alphabet for ids written by people (refused when outside it, never
rewritten) and ids the loaders work out (made to fit by one function)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.errors import InvalidArticle
from indexer.ingest import load_article_json, load_source
from indexer.ingest.article_ids import derived_id, id_problem
from indexer.ingest.feed import load_feed
from indexer.ingest.html import load_html
from indexer.ingest.markdown import load_markdown


@pytest.mark.parametrize(
    "article_id",
    ["redis-caching", "2024_05.notes~v2", "X", "-draft", "~v1", "a.b..c", "x" * 200],
)
def test_ascii_letters_digits_and_four_signs_make_an_id(article_id: str) -> None:
    assert id_problem(article_id) is None


@pytest.mark.parametrize(
    ("article_id", "problem"),
    [
        ("", "is empty"),
        ("x" * 201, "is 201 characters long"),
        ("..", "segment starting with '.'"),
        (".", "segment starting with '.'"),
        (".hidden", "segment starting with '.'"),
        ("posts/../a", "segment starting with '.'"),
        ("/posts/a", "empty path segment"),
        ("posts//a", "empty path segment"),
        ("\r\nX-Injected: 1", "U+000D"),
        ("a\x00b", "U+0000"),
        ("pay\u202efdp.exe", "RIGHT-TO-LEFT OVERRIDE"),
        ("quokka\u200bnotes", "ZERO WIDTH SPACE"),
        ("a b", "U+0020 (SPACE) at position 2"),
        ("a:b", "COLON"),
        ("café", "U+00E9 (LATIN SMALL LETTER E WITH ACUTE) at position 4"),
        ("pаypal", "U+0430 (CYRILLIC SMALL LETTER A)"),
        ("a\u2028b", "LINE SEPARATOR"),
    ],
)
def test_anything_else_is_refused_saying_which_character_and_where(
    article_id: str, problem: str
) -> None:
    found = id_problem(article_id)
    assert found is not None and problem in found


def test_an_api_record_keeps_its_id_exactly_or_is_refused_with_the_rule() -> None:
    record = {"title": "T", "body": "B"}
    assert load_article_json({**record, "id": "a-b"}, "api").id == "a-b"
    assert load_article_json({**record, "id": 42}, "api").id == "42"
    for smuggled in ["\r\nX-Injected: 1", " a", "a\n", "../etc"]:
        with pytest.raises(InvalidArticle, match="an article id is 1 to 200 characters"):
            load_article_json({**record, "id": smuggled}, "api")
    # The message shows the id escaped: a log or terminal never receives the raw characters.
    with pytest.raises(InvalidArticle) as refused:
        load_article_json({**record, "id": "a\u202eb"}, "api")
    assert "\u202e" not in str(refused.value) and "\\u202e" in str(refused.value)


def test_a_front_matter_slug_never_becomes_the_id_so_it_cannot_smuggle_a_path() -> None:
    # Ids come from the file's path in its source; a slug only shapes the public URL.
    result = load_markdown("---\ntitle: T\nslug: ../../etc/passwd\n---\nBody\n", "posts/a.md")
    (article,) = result.articles
    assert article.id == "a"


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("My Post (draft).md", "My-Post-draft"),
        ("2024-05-01 release notes.md", "2024-05-01-release-notes"),
        ("café.md", "cafe"),
        ("cafe\u0301.md", "cafe"),  # decomposed, as macOS writes file names
        ("Ｆｕｌｌ ｗｉｄｔｈ.md", "Full-width"),
        ("--x--.md", "x"),
    ],
)
def test_an_id_from_a_file_name_is_made_to_fit_the_alphabet(
    tmp_path: Path, file_name: str, expected: str
) -> None:
    (tmp_path / file_name).write_text("---\ntitle: T\n---\nBody\n")
    (article,) = load_source(tmp_path).articles
    assert article.id == expected


def test_a_file_name_with_nothing_usable_fails_the_file_saying_why(tmp_path: Path) -> None:
    (tmp_path / "日本語.md").write_text("---\ntitle: T\n---\nBody\n")
    result = load_source(tmp_path)
    assert result.articles == ()
    assert "makes no article id" in result.failures[0].reason


def test_ids_from_links_pages_and_guids_fit_the_alphabet() -> None:
    page = '<html><head><link rel="canonical" href="https://b.example/p/My%20Post.html">'
    (article,) = load_html(page + "<body><h1>T</h1><p>x</p></body></html>", "p.html").articles
    assert article.id == "My-Post"
    feed = (
        "<rss version='2.0'><channel><title>F</title><item><title>T</title>"
        "<guid isPermaLink='false'>tag:blog.example,2024:post 1</guid>"
        "<description>x</description></item></channel></rss>"
    )
    (entry,) = load_feed(feed, "feed.xml").articles
    assert entry.id == "tag-blog.example-2024-post-1"


def test_a_derived_id_never_starts_with_a_dot() -> None:
    assert derived_id(".hidden") == "hidden"
    assert derived_id("..") is None and derived_id(" . ") is None


@given(st.text(max_size=300))
def test_a_derived_id_is_a_valid_id_or_none(text: str) -> None:
    derived = derived_id(text)
    assert derived is None or id_problem(derived) is None
