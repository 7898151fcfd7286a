from __future__ import annotations

from datetime import date
from pathlib import Path

from indexer.ingest import load_source
from indexer.ingest.html_to_markdown import html_to_markdown
from indexer.model import Article, LoadResult

PAGE = """<!doctype html>
<html>
<head>
  <title>Redis Caching | The Ledger</title>
  <link rel="canonical" href="https://blog.example.com/articles/redis-caching/">
  <meta property="og:title" content="OG title">
  <meta name="author" content="Maya Okafor">
  <meta name="description" content="A practical guide.">
  <meta property="article:published_time" content="2022-03-15T08:00:00+00:00">
  <meta property="article:modified_time" content="2023-01-02">
  <meta property="article:tag" content="Redis">
  <meta property="article:tag" content="Caching">
  <style>.x { color: red }</style>
</head>
<body>
  <header class="site"><a href="/">The Ledger</a>
    <nav><a href="/">Home</a> <a href="/about">About us</a></nav></header>
  <article>
    <header><h1>Redis   Caching <em>Patterns</em></h1><p>By Maya</p></header>
    <p>Most teams add <a href="https://redis.io">Redis</a> the
       same   way: with <code>get</code>/<code>set</code>.</p>
    <h2 id="cache-aside">Cache-aside</h2>
    <pre><code class="language-python">def get(key):
    if  (hit := r.get(key)):
        return hit
</code></pre>
    <h3>Settings worth changing</h3>
    <table>
      <thead><tr><th>Setting</th><th>Value</th></tr></thead>
      <tbody><tr><td>maxmemory-policy</td><td><code>allkeys-lru</code></td></tr>
             <tr><td>timeout</td><td>a | b</td></tr></tbody>
    </table>
    <ul><li>one</li><li>two<ol><li>nested</li></ol></li></ul>
    <blockquote><p>Cache invalidation is hard.</p></blockquote>
    <aside>Related: Subscribe to our newsletter</aside>
    <form><label>Email</label><input name="email"></form>
    <script>trackPageView()</script>
  </article>
  <footer>Copyright The Ledger</footer>
</body>
</html>
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def load_one(path: Path) -> Article:
    result = load_source(path)
    assert result.failures == ()
    [article] = result.articles
    return article


def only_failure_reason(result: LoadResult) -> str:
    assert result.articles == ()
    assert len(result.failures) == 1
    return result.failures[0].reason


def test_an_html_page_becomes_an_article_with_every_field(tmp_path: Path) -> None:
    article = load_one(write(tmp_path, "page.html", PAGE))

    assert article.id == "redis-caching"
    assert article.title == "Redis Caching Patterns"
    assert article.url == "https://blog.example.com/articles/redis-caching/"
    assert article.author == "Maya Okafor"
    assert article.published == date(2022, 3, 15)
    assert article.updated == date(2023, 1, 2)
    assert article.tags == ("redis", "caching")
    assert article.summary == "A practical guide."


def test_the_text_is_the_article_as_markdown(tmp_path: Path) -> None:
    text = load_one(write(tmp_path, "page.html", PAGE)).text

    assert text == (
        "Most teams add Redis the same way: with `get`/`set`.\n"
        "\n"
        "## Cache-aside {#cache-aside}\n"
        "\n"
        "```python\n"
        "def get(key):\n"
        "    if  (hit := r.get(key)):\n"
        "        return hit\n"
        "```\n"
        "\n"
        "### Settings worth changing\n"
        "\n"
        "| Setting | Value |\n"
        "| --- | --- |\n"
        "| maxmemory-policy | `allkeys-lru` |\n"
        "| timeout | a \\| b |\n"
        "\n"
        "- one\n"
        "- two\n"
        "  1. nested\n"
        "\n"
        "> Cache invalidation is hard."
    )


def test_navigation_and_other_page_chrome_are_not_in_the_text(tmp_path: Path) -> None:
    text = load_one(write(tmp_path, "page.html", PAGE)).text

    chrome = ["Home", "About us", "Copyright", "Subscribe", "Email", "trackPageView", "color"]
    assert [words for words in chrome if words in text] == []


def test_the_title_heading_is_not_repeated_in_the_text(tmp_path: Path) -> None:
    article = load_one(write(tmp_path, "page.html", PAGE))

    assert "Patterns" not in article.text
    assert not article.text.startswith("#")


def test_without_an_article_element_main_is_the_content(tmp_path: Path) -> None:
    page = """<html><head><title>Fallback title</title></head><body>
      <nav>Menu link</nav><div role="main"><p>Main text.</p></div>
      <div class="sidebar">Sidebar text</div></body></html>"""

    article = load_one(write(tmp_path, "main-role.html", page))

    assert article.text == "Main text."
    assert article.title == "Fallback title"


def test_without_article_or_main_the_body_is_used_without_its_chrome(tmp_path: Path) -> None:
    page = """<html><head><meta property="og:title" content="From OG"></head><body>
      <header><h1>Site Name</h1><nav>Home</nav></header>
      <p>Body text.</p><footer>Footer text</footer></body></html>"""

    article = load_one(write(tmp_path, "plain.html", page))

    assert article.title == "From OG"
    assert article.text == "Body text."


def test_the_id_is_the_file_stem_when_the_page_has_no_url(tmp_path: Path) -> None:
    page = "<html><body><article><h1>T</h1><p>x</p></article></body></html>"

    article = load_one(write(tmp_path, "local-page.htm", page))

    assert article.id == "local-page"
    assert article.url is None


def test_og_url_time_element_and_keywords_are_fallbacks(tmp_path: Path) -> None:
    page = """<html><head><meta property="og:url" content="https://x.example/p/og-slug.html">
      <meta name="keywords" content="Python, Testing"></head>
      <body><article><h1>T</h1><time datetime="2021-07-13">July 13</time><p>x</p>
      </article></body></html>"""

    article = load_one(write(tmp_path, "page.html", page))

    assert article.id == "og-slug"
    assert article.published == date(2021, 7, 13)
    assert article.tags == ("python", "testing")


def test_a_page_without_any_title_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "untitled.html", "<html><body><p>No title here</p></body></html>")

    assert "no title" in only_failure_reason(load_source(path))


def test_a_bad_published_date_is_reported(tmp_path: Path) -> None:
    page = """<html><head><meta property="article:published_time" content="someday"></head>
      <body><article><h1>T</h1></article></body></html>"""

    reason = only_failure_reason(load_source(write(tmp_path, "d.html", page)))

    assert "published 'someday' is not a date" in reason


def test_an_html_file_that_is_not_utf8_is_reported_with_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "cp1252.html", "<h1>Caf\xe9</h1>".encode("cp1252"))

    result = load_source(path)

    assert result.failures[0].path == str(path)
    assert "not valid UTF-8: byte 0xe9 at byte offset 7" in only_failure_reason(result)


def test_a_code_block_keeps_its_whitespace_and_a_fence_longer_than_its_backticks() -> None:
    markdown = html_to_markdown("<pre>line one\n\n    ```nested fence```\n\ttab</pre>")

    assert markdown == "````\nline one\n\n    ```nested fence```\n\ttab\n````"


def test_prose_whitespace_collapses_but_line_breaks_stay() -> None:
    markdown = html_to_markdown("<p>  a \n\n b<br>\n c <strong> d </strong></p><p></p>")

    assert markdown == "a b\nc d"


def test_list_items_with_paragraphs_and_code_stay_inside_their_item() -> None:
    html = "<ol start='3'><li><p>Run:</p><pre><code>make</code></pre></li><li>Done</li></ol>"

    assert html_to_markdown(html) == "3. Run:\n\n   ```\n   make\n   ```\n4. Done"


def test_an_html_fragment_converts_without_a_document_around_it() -> None:
    assert html_to_markdown("<h2>Intro</h2><p>Hi</p>") == "## Intro\n\nHi"
    assert html_to_markdown("") == ""
