"""Three real blogs kept in Git (Go's blog, a Hugo site, a Jekyll site), indexed with the real
model: every post indexed or skipped with a reason, the URLs the sites serve, dates, clean
text, the generators' anchors, and reader questions answered by the right post.

The sites live beside the project root (`../shared/datasets/publications`, or wherever
FOOTNOTE_PUBLICATIONS points); without them these tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from eval.sites import PUBLICATIONS, SITES, SiteRun, run_site
from indexer.ingest import load_source
from indexer.ingest.clean.html_text import HTML_ELEMENTS
from indexer.model import Article
from indexer.text.markdown_blocks import parse_sections

pytestmark = pytest.mark.integration

if not PUBLICATIONS.is_dir():
    message = f"the shared publications are not at {PUBLICATIONS}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

# Worked out by hand from each site's configuration (see the dataset's README).
URLS = {
    "go-blog": {
        "go1.22": "https://go.dev/blog/go1.22",
        "swisstable": "https://go.dev/blog/swisstable",
        "10years": "https://go.dev/blog/10years",
    },
    "k8s-contributor-site": {  # baseURL + permalinks.blog '/:section/:year/:month/:day/:slug/'
        "blog/2023/2023-03-01-introducing-kwok":
            "https://www.kubernetes.dev/blog/2023/03/01/introducing-kwok/",
        "blog/2023/contextual-logging-in-kubernetes-1-29":
            "https://www.kubernetes.dev/blog/2023/12/20/contextual-logging/",
        "blog/2022/2022-05-25-contextual-logging":
            "https://www.kubernetes.dev/blog/2022/05/25/contextual-logging/",
        "blog/2020/announcing-the-contributor-website":  # no slug: the title is the slug
            "https://www.kubernetes.dev/blog/2020/08/24/announcing-the-contributor-website/",
    },
    "jekyll-site": {  # url + collections.posts.permalink, dates in America/Los_Angeles
        "_posts/2013-05-06-jekyll-1-0-0-released":
            "https://jekyllrb.com/news/2013/05/05/jekyll-1-0-0-released/",
        "_posts/2014-11-06-jekylls-midlife-crisis-jekyll-turns-2-5-0":
            "https://jekyllrb.com/news/2014/11/05/jekylls-midlife-crisis-jekyll-turns-2-5-0/",
        "_posts/2014-05-06-jekyll-turns-2-0-0":
            "https://jekyllrb.com/news/2014/05/06/jekyll-turns-2-0-0/",
        "_posts/2022-12-21-jekyll-sass-converter-3.0-released":
            "https://jekyllrb.com/news/2022/12/21/jekyll-sass-converter-3.0-released/",
    },
}  # fmt: skip
# Heading -> anchor, by each generator's rules: goldmark ids (and explicit `{#id}`), Hugo's
# (which slug the heading's source line, link target included), kramdown's GFM ids.
ANCHORS = {
    "go-blog": {
        "compat": {"Go 1 Compatibility": "go1", "API Checking": "api"},
        "swisstable": {"Open-addressed hash table": "open-addressed-hash-table"},
    },
    "k8s-contributor-site": {
        "blog/2022/meet-our-contributors-APAC-India-region-01": {
            "Arsh Sharma": "arsh-sharmahttpsgithubcomrinkiyakedad",
        },
    },
    "jekyll-site": {
        "_posts/2016-10-06-jekyll-3-3-is-here": {
            "2. `relative_url` and `absolute_url` filters": (
                "2-relative_url-and-absolute_url-filters"
            ),
            "A lot more!": "a-lot-more",
        },
    },
}
_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[ \t]*$", re.S | re.M)
_INDENTED = re.compile(r"(?:^(?: {4}|\t).*\n?)+", re.M)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}")
_TAG = re.compile(r"</?([A-Za-z][\w-]*)(?:\s[^<>]*)?/?>")
_MARKDOWN = re.compile(r"\]\(|\]\[|\*\*")


def _pages(site: str) -> list[Path]:
    """Every Markdown and HTML file of the site's content."""
    root = PUBLICATIONS / site
    return [p for p in root.rglob("*") if p.suffix in (".md", ".markdown", ".html")]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SiteRun]:
    return {name: run_site(name, tmp_path_factory.mktemp(name)) for name in SITES}


@pytest.fixture(scope="module")
def articles() -> dict[str, dict[str, Article]]:
    loaded = {name: load_source(PUBLICATIONS / name, options) for name, options in SITES.items()}
    return {name: {a.id: a for a in result.articles} for name, result in loaded.items()}


@pytest.mark.parametrize("site", list(SITES))
def test_every_post_is_indexed_or_skipped_with_a_reason(
    runs: dict[str, SiteRun], site: str
) -> None:
    run = runs[site]
    assert [str(f) for f in run.report.failed] == []
    assert all(s.reason for s in run.report.skipped)
    # The real posts are those the site publishes: indexed, or failed to load. Drafts,
    # listings, redirect stubs and includes are skipped with their reason.
    assert run.indexed >= 0.99 * (run.indexed + len(run.report.failed))
    published = run.indexed + len(run.report.skipped) + len(run.report.failed)
    assert published == sum(1 for _ in _pages(site))


@pytest.mark.parametrize("site", list(SITES))
def test_every_indexed_post_has_the_url_the_site_serves_and_a_date(
    runs: dict[str, SiteRun], articles: dict[str, dict[str, Article]], site: str
) -> None:
    run = runs[site]
    assert run.with_url == run.with_date == run.indexed > 0
    assert {i: articles[site][i].url for i in URLS[site]} == URLS[site]


@pytest.mark.parametrize("site", list(SITES))
def test_no_text_holds_template_html_or_link_syntax_outside_code(
    articles: dict[str, dict[str, Article]], site: str
) -> None:
    found = []
    for article in articles[site].values():
        prose = _CODE_SPAN.sub("", _INDENTED.sub("", _FENCED.sub("", article.text)))
        for pattern in (_TEMPLATE, _MARKDOWN):
            found += [(article.id, m.group(0)) for m in pattern.finditer(prose)]
        tags = (m for m in _TAG.finditer(prose) if m.group(1).lower() in HTML_ELEMENTS)
        found += [(article.id, m.group(0)) for m in tags]
    assert found == []


@pytest.mark.parametrize("site", list(SITES))
def test_section_anchors_are_the_ones_the_generator_gives(
    articles: dict[str, dict[str, Article]], site: str
) -> None:
    for article_id, expected in ANCHORS[site].items():
        sections = parse_sections(articles[site][article_id].text)
        anchors = {s.heading_path[-1]: s.anchor for s in sections if s.heading_path}
        assert {heading: anchors.get(heading) for heading in expected} == expected


@pytest.mark.parametrize("site", list(SITES))
def test_reader_questions_find_their_post_first_mostly_and_in_the_top_three_always(
    runs: dict[str, SiteRun], site: str
) -> None:
    run = runs[site]
    assert len(run.ranks) == 10
    assert run.top(1) >= 8, run.ranks
    assert run.top(3) == 10, run.ranks


def test_the_sites_are_where_the_readme_says(tmp_path: Path) -> None:
    assert {p.name for p in PUBLICATIONS.iterdir() if p.is_dir()} >= set(SITES)
