from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from indexer.errors import InvalidArticle
from indexer.ingest import load_article_json, load_source

FULL = {
    "id": "redis-caching",
    "title": "Redis Caching",
    "body": "Intro.\n\n## Cache-aside\n\n  keep   spacing\n",
    "url": "https://blog.example.com/articles/redis-caching",
    "author": "Maya Okafor",
    "published": "2022-03-15",
    "updated": "Mon, 02 Jan 2023 09:00:00 +0000",
    "tags": ["Redis", "Caching"],
    "summary": "A practical guide.",
    "status": "published",
}


def write_lines(folder: Path, *lines: str, name: str = "export.jsonl") -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(**fields: object) -> str:
    return json.dumps({"id": "a", "title": "A", "body": "Body", **fields})


def test_a_json_line_with_every_field_becomes_an_article(tmp_path: Path) -> None:
    path = write_lines(tmp_path, json.dumps(FULL))

    result = load_source(path)

    assert result.failures == ()
    [article] = result.articles
    assert article.id == "redis-caching"
    assert article.title == "Redis Caching"
    assert article.text == FULL["body"]
    assert article.url == FULL["url"]
    assert article.author == "Maya Okafor"
    assert article.published == date(2022, 3, 15)
    assert article.updated == date(2023, 1, 2)
    assert article.tags == ("redis", "caching")
    assert article.summary == "A practical guide."
    assert article.draft is False
    assert article.source_path == str(path)


def test_the_id_comes_from_slug_or_else_from_the_url(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        json.dumps({"slug": "from-slug", "title": "S", "text": "x"}),
        json.dumps({"url": "https://x.example/posts/from-url/", "title": "U", "content": "y"}),
    )

    articles = load_source(path).articles

    assert [(a.id, a.text) for a in articles] == [("from-slug", "x"), ("from-url", "y")]


def test_an_html_body_is_converted_to_markdown(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        record(id="flagged", body="<p>Hello <b>there</b></p>", format="html"),
        record(id="sniffed", body="<h2 id='x'>Part</h2><p>Text</p>"),
        record(id="markdown", body="<em>inline</em> HTML stays Markdown"),
    )

    texts = {a.id: a.text for a in load_source(path).articles}

    assert texts == {
        "flagged": "Hello there",
        "sniffed": "## Part {#x}\n\nText",
        "markdown": "<em>inline</em> HTML stays Markdown",
    }


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = write_lines(tmp_path, "", record(id="a"), "   ", record(id="b"), "")

    result = load_source(path)

    assert [a.id for a in result.articles] == ["a", "b"]
    assert result.failures == ()


def test_a_malformed_json_line_is_reported_with_its_line_number_and_the_rest_load(
    tmp_path: Path,
) -> None:
    path = write_lines(tmp_path, record(id="a"), '{"id": "b", "title": ', record(id="c"))

    result = load_source(path)

    assert [a.id for a in result.articles] == ["a", "c"]
    [failure] = result.failures
    assert failure.line == 2
    assert failure.path == str(path)
    assert failure.reason.startswith("invalid JSON")
    assert str(failure).startswith(f"{path}:2: invalid JSON")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (json.dumps({"id": "x", "body": "b"}), "missing title"),
        (json.dumps({"title": "T", "body": "b"}), "missing id"),
        (json.dumps({"title": "T", "body": "b", "url": "https://x.example/"}), "missing id"),
        (record(published="13/45/2022"), "published '13/45/2022' is not a date"),
        (record(tags=7), "tags must be a list"),
        (json.dumps({"id": "x", "title": "T"}), "missing body"),
        (record(format="docx"), "format must be 'markdown' or 'html'"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_a_bad_record_is_reported_with_its_line_number(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = write_lines(tmp_path, record(id="ok"), line)

    result = load_source(path)

    assert [a.id for a in result.articles] == ["ok"]
    [failure] = result.failures
    assert failure.line == 2
    assert reason in failure.reason


def test_a_jsonl_file_that_is_not_utf8_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(record(id="a").encode() + b'\n{"title": "\xff"}\n')

    result = load_source(path)

    assert result.articles == ()
    [failure] = result.failures
    assert failure.path == str(path)
    assert failure.line == 2
    assert "not valid UTF-8: byte 0xff" in failure.reason


def test_a_webhook_article_follows_the_same_field_rules() -> None:
    article = load_article_json({**FULL, "draft": True}, "webhook:cms")

    assert article.id == "redis-caching"
    assert article.published == date(2022, 3, 15)
    assert article.draft is True
    assert article.source_path == "webhook:cms"


def test_a_bad_webhook_article_raises_invalid_article_saying_why() -> None:
    with pytest.raises(InvalidArticle, match="missing title"):
        load_article_json({"id": "x", "body": "b"}, "webhook:cms")
    with pytest.raises(InvalidArticle, match="updated 'yesterday' is not a date"):
        load_article_json({**FULL, "updated": "yesterday"}, "webhook:cms")
