"""Probe step 7: an article's url is an absolute http(s) URL or a path on the site.

`//evil.example/phish` and `/\\evil.example/phish` passed the old "starts with /" rule, and the
page rendered them as links to another site, in results and among an answer's closest articles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.hygiene.conftest import Server, footnote

pytestmark = pytest.mark.integration

OFF_SITE = [
    "//evil.example/phish",
    "/\\evil.example/phish",
    "\\\\evil.example/phish",
    "/\t/evil.example/phish",
    "https:evil.example/phish",
    "http:///evil.example/phish",
    "javascript:alert(1)",
    "posts/relative",
]


@pytest.mark.parametrize("url", OFF_SITE)
def test_an_upsert_with_an_off_site_or_odd_url_is_refused_with_a_422(
    editor_server: Server, url: str
) -> None:
    article = {"title": "Phish", "body": "Click here.", "url": url}
    response = editor_server.put_article("phish", article)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "url" in detail and "http" in detail


@pytest.mark.parametrize("url", ["https://blog.example/posts/a", "/posts/a", "/posts/a#part"])
def test_web_links_and_site_paths_are_accepted(editor_server: Server, url: str) -> None:
    article = {"title": "Fine", "body": "A fine article.", "url": url}
    assert editor_server.put_article("fine-link", article).status_code == 202


def test_a_source_file_with_an_off_site_url_fails_to_load_naming_the_file(
    tmp_path: Path,
) -> None:
    source = tmp_path / "articles"
    source.mkdir()
    (source / "phish.md").write_text("---\ntitle: Phish\nurl: //evil.example/phish\n---\nBody\n")
    (source / "fine.md").write_text("---\ntitle: Fine\nurl: /posts/fine\n---\nBody\n")
    indexed = footnote(tmp_path / "data", "index", str(source), "--json")
    assert indexed.returncode == 1, indexed.stderr
    assert "phish.md" in indexed.stderr + indexed.stdout
    assert "url" in indexed.stderr + indexed.stdout
