"""Feeds as real blogs publish them: FeedBurner proxy links, xml:base, dc:date, full content.

The fixtures in tests/fixtures/feeds/ are written for these cases; each test names the one it
checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.ingest import load_source
from indexer.ingest.feed import load_feed
from indexer.model import Article

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


@pytest.fixture(scope="module")
def rss() -> dict[str, Article]:
    result = load_source(FEEDS / "feedburner.rss")
    assert result.failures == ()
    return {article.id: article for article in result.articles}


@pytest.fixture(scope="module")
def atom() -> dict[str, Article]:
    result = load_source(FEEDS / "xml-base.atom")
    assert result.failures == ()
    return {article.id: article for article in result.articles}


def test_the_original_link_wins_over_the_feedburner_proxy_link(rss: dict[str, Article]) -> None:
    article = rss["the-pager-that-cried-wolf"]

    assert article.url == "https://nightshift.example/2023/11/the-pager-that-cried-wolf/"
    assert not any("feedproxy" in (a.url or "") for a in rss.values())


def test_a_relative_rss_link_is_read_against_the_channel_link(rss: dict[str, Article]) -> None:
    article = rss["quiet-hours-for-deploys"]

    assert article.url == "https://nightshift.example/2023/09/quiet-hours-for-deploys/"


def test_relative_atom_links_are_read_against_xml_base(atom: dict[str, Article]) -> None:
    assert atom["explain-analyze"].url == "https://lindqvist.example/writing/2024/explain-analyze/"
    # An absolute path replaces the base's whole path.
    assert atom["indexes-first"].url == "https://lindqvist.example/writing/2024/indexes-first/"


def test_dc_date_is_the_published_date_as_written_not_the_utc_day(
    rss: dict[str, Article],
) -> None:
    # 22:15 in Los Angeles is the next day in UTC.
    assert rss["the-pager-that-cried-wolf"].published == date(2023, 11, 28)


def test_pubdate_wins_over_dc_date_and_an_earlier_dc_date_is_no_update(
    rss: dict[str, Article],
) -> None:
    article = rss["quiet-hours-for-deploys"]

    assert article.published == date(2023, 9, 29)
    assert article.updated is None


def test_an_atom_entry_with_only_updated_is_published_on_that_day(
    atom: dict[str, Article],
) -> None:
    article = atom["explain-analyze"]

    assert article.published == date(2024, 6, 9)
    assert article.updated is None


def test_content_encoded_wins_over_the_description(rss: dict[str, Article]) -> None:
    article = rss["the-pager-that-cried-wolf"]

    assert "## The audit {#audit}" in article.text
    assert "act within the hour" in article.text
    assert article.summary == (
        "We deleted half our alerts. Nobody noticed, except the on-call engineers, who slept."
    )


def test_an_item_with_only_a_description_uses_it_as_the_text(rss: dict[str, Article]) -> None:
    article = rss["runbooks-that-run"]

    assert article.text.startswith("A runbook nobody has run is a wish list.")
    assert article.summary is None


def test_content_with_no_description_is_not_repeated_as_the_summary(
    rss: dict[str, Article],
) -> None:
    assert rss["quiet-hours-for-deploys"].summary is None


def test_xhtml_content_is_the_text_with_its_code_and_headings(atom: dict[str, Article]) -> None:
    article = atom["explain-analyze"]

    assert article.text.startswith("A query plan prints dozens of numbers.")
    assert "`actual time`, `rows` and `loops`" in article.text
    assert "## Multiply by loops {#loops}" in article.text
    assert "```\nIndex Scan using orders_pkey" in article.text
    assert article.summary == "A short guide to the three numbers that matter in a query plan."


def test_an_html_title_is_read_as_text_and_entries_inherit_the_feed_author(
    atom: dict[str, Article],
) -> None:
    assert atom["explain-analyze"].title == "Reading EXPLAIN ANALYZE without tears"
    assert {a.author for a in atom.values()} == {"Elin Lindqvist"}


def test_an_rss_link_without_a_channel_link_stays_as_written() -> None:
    feed = """<rss version="2.0"><channel><title>No site link</title>
      <item><title>Loose</title><link>/posts/loose/</link><description>x</description></item>
      </channel></rss>"""

    [article] = load_feed(feed, "loose.rss").articles

    assert article.url == "/posts/loose/"
    assert article.id == "loose"


def test_a_proxy_link_is_kept_when_the_feed_carries_no_original() -> None:
    feed = """<rss version="2.0"><channel><title>T</title><link>https://x.example/</link>
      <item><title>Proxied</title><link>http://feedproxy.google.com/~r/x/~3/abc/post.html</link>
      <pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate><description>x</description></item>
      </channel></rss>"""

    [article] = load_feed(feed, "proxied.rss").articles

    assert article.url == "http://feedproxy.google.com/~r/x/~3/abc/post.html"
    assert article.published == date(2024, 1, 1)


def test_an_atom_entry_whose_content_is_elsewhere_uses_its_summary() -> None:
    feed = """<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>f</id>
      <entry><title>Out of line</title><id>e</id><link href="https://x.example/e"/>
      <published>2024-02-01T00:00:00Z</published><summary>The summary text.</summary>
      <content type="text/html" src="https://x.example/e.html"/></entry></feed>"""

    [article] = load_feed(feed, "f.atom").articles

    assert article.text == "The summary text."
    assert article.published == date(2024, 2, 1)


def test_an_unreadable_entry_date_is_reported_for_that_entry_only() -> None:
    feed = """<rss version="2.0"><channel><title>T</title><link>https://x.example/</link>
      <item><title>Bad date</title><link>https://x.example/bad</link>
      <pubDate>the day after tomorrow</pubDate><description>x</description></item>
      <item><title>Good</title><link>https://x.example/good</link><description>y</description>
      </item></channel></rss>"""

    result = load_feed(feed, "dates.rss")

    assert [a.id for a in result.articles] == ["good"]
    [failure] = result.failures
    assert failure.reason.startswith("entry 1 ('Bad date'): published 'the day after tomorrow'")
