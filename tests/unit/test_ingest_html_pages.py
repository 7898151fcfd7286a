"""Saved pages of different shapes: the main content is the container holding most of the
prose, the title is the article's without the site's name, and dates come from JSON-LD, meta
tags or a <time> element. The fixtures are in tests/fixtures/pages/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.ingest import load_source
from indexer.ingest.html import load_html
from indexer.ingest.html_meta import without_site_name
from indexer.model import Article

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def page(name: str) -> Article:
    result = load_source(PAGES / name)
    assert result.failures == ()
    [article] = result.articles
    return article


@pytest.fixture(scope="module")
def blog() -> Article:
    return page("blog-post-with-comments.html")


def test_a_blog_post_is_its_entry_without_comments_sidebar_or_navigation(blog: Article) -> None:
    assert blog.text.startswith("Every queue consumer we run has")
    assert "## Shedding load on purpose {#shedding}" in blog.text
    assert "basic_qos(prefetch_count=WORKER_THREADS)" in blog.text
    leftovers = ["Kafka", "circuit breaker", "Leave a Reply", "Recent Posts", "About this blog"]
    leftovers += ["Proudly powered", "Previous:", "Archive", "Posted in"]
    assert [words for words in leftovers if words in blog.text] == []


def test_a_blog_post_is_dated_by_its_own_time_element_not_a_comment_or_sidebar(
    blog: Article,
) -> None:
    assert blog.published == date(2023, 9, 14)
    assert blog.title == "Backpressure in queue consumers"


def test_a_news_story_keeps_its_body_and_drops_ads_cookies_and_related_links() -> None:
    article = page("news-article.html")

    assert article.title == "City council approves fibre network for the harbour district"
    assert article.url == "https://gazette.example/local/2024/02/06/council-approves-harbour-fibre"
    assert article.id == "council-approves-harbour-fibre"
    assert article.published == date(2024, 2, 6)  # 21:45 in New York, not the UTC day
    assert article.updated == date(2024, 2, 7)
    assert article.author == "Dana Whitfield"
    assert article.text.startswith("The city council voted 9 to 2")
    assert "## What happens next" in article.text
    leftovers = ["cookies", "Advertisement", "Related", "Most read", "Harbour FC"]
    assert [words for words in leftovers if words in article.text] == []


def test_a_docs_page_is_its_article_with_table_and_code_and_a_resolved_canonical_url() -> None:
    article = page("docs-page.html")

    assert article.title == "Retrying failed deliveries"
    assert article.url == "https://docs.postbox.example/guides/retries/"
    assert "| 5 | 6 hours |" in article.text
    assert 'seen.has(req.headers["postbox-delivery-id"])' in article.text
    leftovers = ["Quickstart", "On this page", "Was this page helpful", "CC BY 4.0"]
    assert [words for words in leftovers if words in article.text] == []


def test_a_page_that_only_says_when_it_changed_was_published_by_then() -> None:
    article = page("docs-page.html")

    assert article.published == date(2024, 5, 21)
    assert article.updated == date(2024, 5, 21)


def test_a_review_page_keeps_all_twelve_article_cards() -> None:
    article = page("review-roundup.html")

    assert article.title == "The best mechanical keyboards of 2024"
    for number in range(1, 13):
        assert f"## {number}. " in article.text
    assert "Keychron Q1 Pro" in article.text and "Cherry MX Board 3.0S" in article.text
    assert article.text.startswith("We typed on 31 keyboards")
    assert article.text.endswith("before we compare notes.")
    assert "weekly deals" not in article.text


def test_dates_and_authors_come_from_the_article_in_a_json_ld_graph() -> None:
    article = page("json-ld-graph.html")

    # The WebPage in the same graph says 2019; the BlogPosting is the article.
    assert article.published == date(2022, 11, 3)
    assert article.updated == date(2023, 1, 19)
    assert article.author == "Ines Carvalho, Tom Okoro"


def test_a_title_loses_the_site_name_the_json_ld_gives() -> None:
    article = page("json-ld-graph.html")

    assert article.title == "Why we moved our job queue into Postgres"
    assert article.url == "https://tidewater.example/blog/job-queue-in-postgres/"


def test_a_page_of_anonymous_divs_keeps_all_its_text_but_share_buttons() -> None:
    text = page("json-ld-graph.html").text

    assert text.startswith("For four years our background jobs lived in a Redis list.")
    assert "## What it cost" in text
    assert "Mastodon" not in text


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("Post | The Ledger", [], "Post"),
        ("Post · Docs", [], "Post"),
        ("Post - The Ledger", ["The Ledger"], "Post"),
        ("Post — The Ledger", ["the ledger"], "Post"),
        ("Post – The Ledger", ["The Ledger"], "Post"),
        ("The Ledger | Post about things", ["The Ledger"], "Post about things"),
        # Without a known site name, hyphens and dashes are part of the title.
        ("Go 1.22 - What's new", [], "Go 1.22 - What's new"),
        ("Lifetimes — a gentle introduction", [], "Lifetimes — a gentle introduction"),
        ("The Ledger", ["The Ledger"], "The Ledger"),
    ],
)
def test_the_site_name_is_cut_from_a_title(title: str, names: list[str], expected: str) -> None:
    assert without_site_name(title, names) == expected


def test_the_title_element_loses_its_site_suffix_when_there_is_no_heading() -> None:
    html = """<html><head><title>Release notes | Acme Blog</title></head>
      <body><p>Version two is out.</p></body></html>"""

    [article] = load_html(html, "notes.html").articles

    assert article.title == "Release notes"


def test_a_bad_json_ld_date_gives_way_to_a_good_meta_date() -> None:
    html = """<html><head><meta property="article:published_time" content="2021-05-04">
      <script type="application/ld+json">{"@type": "Article", "datePublished": "soon"}</script>
      </head><body><article><h1>T</h1><p>x</p></article></body></html>"""

    [article] = load_html(html, "p.html").articles

    assert article.published == date(2021, 5, 4)


def test_a_page_whose_every_date_is_bad_names_where_it_said_so() -> None:
    html = """<html><head>
      <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "soon"}</script>
      </head><body><article><h1>T</h1><p>x</p></article></body></html>"""

    result = load_html(html, "p.html")

    [failure] = result.failures
    assert failure.reason.startswith("JSON-LD datePublished: published 'soon' is not a date")


def test_an_article_with_an_intro_and_main_part_is_kept_whole() -> None:
    html = """<html><body><article><h1>T</h1>
      <div class="content-intro"><p>An introduction of some length that sets the scene.</p></div>
      <div class="content-main"><p>The main part, which holds a good deal more of the prose
      of this article than the introduction does, by some margin.</p></div>
      </article></body></html>"""

    [article] = load_html(html, "p.html").articles

    assert article.text.startswith("An introduction of some length")
    assert article.text.endswith("by some margin.")


def test_a_wrapper_named_after_its_sidebar_still_holds_the_article() -> None:
    html = """<html><body><div class="layout has-sidebar"><main><h1>T</h1>
      <p>The article text lives here, inside a wrapper named for the sidebar beside it.</p>
      </main><div class="sidebar"><p>Sidebar prose that is not the article.</p></div>
      </div></body></html>"""

    [article] = load_html(html, "p.html").articles

    assert article.text == (
        "The article text lives here, inside a wrapper named for the sidebar beside it."
    )


def test_a_syntax_highlighted_comment_in_code_is_kept() -> None:
    html = """<html><body><article><h1>T</h1><p>Some prose before the code.</p>
      <pre><code><span class="comment"># keep me</span>
print(1)</code></pre></article></body></html>"""

    [article] = load_html(html, "p.html").articles

    assert "# keep me\nprint(1)" in article.text
