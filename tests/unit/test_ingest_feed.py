from __future__ import annotations

from datetime import date
from pathlib import Path

from indexer.ingest import load_source
from indexer.model import LoadResult

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>The Ledger</title>
  <link>https://blog.example.com/</link>
  <item>
    <title>Redis Caching &amp; You</title>
    <link>https://blog.example.com/articles/redis-caching/</link>
    <guid>https://blog.example.com/?p=1</guid>
    <pubDate>Tue, 15 Mar 2022 23:30:00 -0500</pubDate>
    <dc:creator>Maya Okafor</dc:creator>
    <category>Redis</category>
    <category>Web Dev</category>
    <description>A practical guide.</description>
    <content:encoded><![CDATA[
      <h2 id="intro">Intro</h2>
      <p>Cache <em>carefully</em>.</p>
      <pre><code class="language-python">r.get(key)</code></pre>
    ]]></content:encoded>
  </item>
  <item>
    <title>Description only</title>
    <link>https://blog.example.com/?p=2</link>
    <guid isPermaLink="false">post-2</guid>
    <description>&lt;p&gt;Just the &lt;code&gt;summary&lt;/code&gt;.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom blog</title>
  <id>urn:uuid:feed</id>
  <updated>2024-04-02T10:00:00Z</updated>
  <entry>
    <title>Atom entry</title>
    <link rel="alternate" href="https://atom.example/2024/atom-entry.html"/>
    <id>urn:uuid:1</id>
    <published>2024-04-01T10:00:00+02:00</published>
    <updated>2024-04-02T10:00:00Z</updated>
    <author><name>Bo Chen</name></author>
    <category term="Go"/>
    <content type="html">&lt;p&gt;Atom body&lt;/p&gt;</content>
  </entry>
</feed>
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def only_failure_reason(result: LoadResult) -> str:
    assert result.articles == ()
    assert len(result.failures) == 1
    return result.failures[0].reason


def test_an_rss_item_becomes_an_article_with_every_field(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.rss", RSS)

    result = load_source(path)

    assert result.failures == ()
    article = result.articles[0]
    assert article.id == "redis-caching"
    assert article.title == "Redis Caching & You"
    assert article.url == "https://blog.example.com/articles/redis-caching/"
    assert article.author == "Maya Okafor"
    assert article.tags == ("redis", "web dev")
    assert article.summary == "A practical guide."
    assert article.source_path == str(path)
    assert article.text == "## Intro {#intro}\n\nCache carefully.\n\n```python\nr.get(key)\n```"


def test_a_feed_date_keeps_the_day_it_was_written_with_not_the_utc_day(tmp_path: Path) -> None:
    [article, _] = load_source(write(tmp_path, "feed.xml", RSS)).articles

    assert article.published == date(2022, 3, 15)
    assert article.updated is None


def test_an_item_without_content_uses_its_description_and_its_guid_as_id(
    tmp_path: Path,
) -> None:
    [_, article] = load_source(write(tmp_path, "feed.xml", RSS)).articles

    assert article.id == "post-2"
    assert article.text == "Just the `summary`."
    assert article.summary is None


def test_an_atom_entry_becomes_an_article(tmp_path: Path) -> None:
    result = load_source(write(tmp_path, "feed.atom", ATOM))

    assert result.failures == ()
    [article] = result.articles
    assert article.id == "atom-entry"
    assert article.title == "Atom entry"
    assert article.text == "Atom body"
    assert article.author == "Bo Chen"
    assert article.published == date(2024, 4, 1)
    assert article.updated == date(2024, 4, 2)
    assert article.tags == ("go",)


def test_an_entry_without_a_title_is_reported_and_the_others_load(tmp_path: Path) -> None:
    feed = ATOM.replace("<title>Atom entry</title>", "")
    feed = feed.replace("</feed>", RSS_STYLE_SECOND_ENTRY + "</feed>")

    result = load_source(write(tmp_path, "feed.atom", feed))

    assert [a.id for a in result.articles] == ["second"]
    [failure] = result.failures
    assert failure.reason == "entry 1: missing title"


RSS_STYLE_SECOND_ENTRY = """<entry><title>Second</title>
  <link href="https://atom.example/second"/><id>urn:uuid:2</id>
  <content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>"""


def test_a_broken_feed_is_one_failure_for_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.xml", "<rss><channel><title>Cut off")

    result = load_source(path)

    reason = only_failure_reason(result)
    assert result.failures[0].path == str(path)
    assert reason.startswith("malformed feed with no entries")


def test_xml_that_is_not_a_feed_is_reported(tmp_path: Path) -> None:
    sitemap = "<?xml version='1.0'?><urlset><url><loc>https://x.example/</loc></url></urlset>"

    assert only_failure_reason(load_source(write(tmp_path, "sitemap.xml", sitemap))) == (
        "not an RSS or Atom feed"
    )


def test_a_feed_file_that_is_not_utf8_is_reported_with_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "latin.rss", RSS.replace("&amp; You", "\xe9").encode("latin-1"))

    result = load_source(path)

    assert result.failures[0].path == str(path)
    assert "not valid UTF-8: byte 0xe9" in only_failure_reason(result)
    assert result.failures[0].line == 8
