"""Article urls: absolute http(s) URLs and paths on the site, read the way browsers read them;
the loaders refuse anything else, and readers are linked to nothing else (the page's template
and the reader interface's static/embed/links.js)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from indexer.bootstrap import Services
from indexer.errors import InvalidArticle
from indexer.ingest import fields, load_article_json
from indexer.ingest.fields import url_problem
from indexer.ingest.html import load_html
from indexer.model import Article
from search_api.app import create_app
from tests.builders import ROOT

GOOD = [
    "https://blog.example/posts/a",
    "HTTP://blog.example",
    "http://127.0.0.1:8000/a?b=c#d",
    "/posts/a",
    "/posts/a#part",
    "/",
    "https://blog.example/café",
]
BAD = [
    "//evil.example/phish",
    "/\\evil.example/phish",
    "\\\\evil.example/phish",
    "/\t/evil.example/phish",
    "/\n/evil.example",
    "https:evil.example/phish",
    "https:/evil.example/phish",
    "http:///evil.example/phish",
    "javascript:alert(1)",
    "data:text/html,<script>",
    "posts/relative",
    "mailto:a@b.example",
    "https://blog.example/a\u202eb",
    "https://bank.example@evil.example/",
    "https://blog.example:80x/a",
    "http://[::1]:8000/a",
    "https://",
    "/a\u200bb",
]


@pytest.mark.parametrize("url", GOOD)
def test_web_links_and_site_paths_pass(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize("url", BAD)
def test_links_that_leave_the_site_or_are_not_web_links_are_refused(url: str) -> None:
    assert url_problem(url) is not None
    with pytest.raises(InvalidArticle, match="give an absolute http"):
        load_article_json({"id": "a", "title": "T", "body": "B", "url": url}, "api")


def test_a_page_whose_canonical_link_is_protocol_relative_fails_by_name() -> None:
    page = '<html><head><link rel="canonical" href="//evil.example/a"></head>'
    result = load_html(page + "<body><h1>T</h1><p>x</p></body></html>", "saved/a.html")
    (failure,) = result.failures
    assert failure.path == "saved/a.html" and "protocol-relative" in failure.reason


@pytest.fixture
def page_client(fake_services: Services) -> Iterator[TestClient]:
    """An index that predates the url rule: articles stored without going through a loader."""
    for number, url in enumerate(["//evil.example/phish", "/\\evil.example/x", "/posts/ok"]):
        fake_services.indexing.index_article(
            Article(
                id=f"a{number}",
                title=f"Quokka {number}",
                text="## Part\n\nquokka ledger notes",
                source_path="api",
                url=url,
            )
        )
    with TestClient(create_app(fake_services)) as client:
        yield client


def test_the_server_rendered_page_links_no_stored_off_site_url(page_client: TestClient) -> None:
    html = page_client.get("/", params={"q": "quokka ledger"}).text
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "/posts/ok" in hrefs and "/posts/ok#part" in hrefs
    assert not any("evil" in href for href in hrefs)
    assert "evil" not in "".join(re.findall(r'cite="([^"]*)"', html))


def test_the_unseen_characters_are_the_bmp_s_controls_formats_and_spaces() -> None:
    bmp = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    unseen = {c for c in bmp if fields._UNSEEN_CHAR.match(c)}  # noqa: SLF001
    expected = {c for c in bmp if c.isspace() or unicodedata.category(c) in ("Cc", "Cf")}
    assert unseen == expected


def test_the_reader_interface_applies_the_same_rule() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the rule in embed/links.js cannot be run here")
    module = (ROOT / "search_api" / "static" / "embed" / "links.js").as_uri()
    urls = GOOD + BAD
    program = (
        f"import {{ isWebLink }} from {json.dumps(module)};\n"
        f"console.log(JSON.stringify({json.dumps(urls)}.map(isWebLink)));"
    )
    ran = subprocess.run(
        [node, "--input-type=module", "-e", program], capture_output=True, text=True, check=True
    )
    linked = json.loads(ran.stdout)
    assert dict(zip(urls, linked, strict=True)) == {u: url_problem(u) is None for u in urls}
