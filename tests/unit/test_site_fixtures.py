"""Small sites of each generator, written for these tests, read as their generator publishes
them: ids, URLs, dates, authors, skips with reasons and failures naming the file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.errors import SourceError
from indexer.ingest import SourceOptions, load_source
from indexer.model import Article, LoadResult

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
TODAY = SourceOptions(today=date(2026, 1, 1))


def load(site: str, options: SourceOptions = TODAY) -> LoadResult:
    return load_source(SITES / site, options)


def by_id(result: LoadResult) -> dict[str, Article]:
    return {article.id: article for article in result.articles}


def skips(result: LoadResult) -> dict[str, str]:
    return {Path(s.path).relative_to(SITES).as_posix(): s.reason for s in result.skipped}


def failures(result: LoadResult) -> dict[str, str]:
    return {Path(f.path).relative_to(SITES).as_posix(): f.group for f in result.failures}


def test_a_zola_site_takes_urls_from_sections_slugs_and_path_and_dates_from_file_names() -> None:
    result = load("zola")
    articles = by_id(result)

    compost = articles["blog/2023-12-11-composting-basics"]
    assert compost.url == "https://zola.example.org/blog/composting-basics/"
    assert compost.published == date(2023, 12, 11)
    assert compost.author == "Ana Lima" and compost.tags == ("compost", "soil")
    assert compost.summary == "Greens, browns and patience."
    garden = articles["blog/garden-notes"]
    assert garden.url == "https://zola.example.org/blog/garden-notes/"
    assert garden.author == "Ana Lima, Rui Costa" and garden.published == date(2024, 3, 2)
    assert articles["blog/moved-page"].url == "https://zola.example.org/guides/mulching/"
    assert articles["blog/draft-post"].draft is True


def test_a_zola_site_skips_sections_and_bundle_assets_and_fails_only_the_bad_files() -> None:
    result = load("zola")

    assert skips(result) == {
        "zola/content/_index.md": "section page",
        "zola/content/blog/_index.md": "section page",
        "zola/content/blog/garden-notes/seeds.md": "page bundle resource",
    }
    assert failures(result) == {
        "zola/content/blog/broken-toml.md": "invalid front matter",
        "zola/content/blog/junk.md": "not UTF-8",
    }
    broken = next(f for f in result.failures if f.path.endswith("broken-toml.md"))
    assert "invalid TOML front matter" in broken.reason


def test_a_hugo_site_reads_yaml_toml_and_json_front_matter_and_its_permalinks() -> None:
    articles = by_id(load("hugo"))
    base = "https://hugo.example.com/field-notes"

    yaml_post = articles["posts/yaml-front-matter"]
    assert yaml_post.url == f"{base}/posts/2024/04/rotating-tls-certificates-without-downtime/"
    assert yaml_post.published == date(2024, 4, 9) and yaml_post.updated == date(2024, 5, 1)
    assert yaml_post.author == "Sam Okoro, Lee Park"
    assert articles["posts/toml-front-matter"].url == f"{base}/posts/2023/11/pool-sizing/"
    assert articles["posts/toml-front-matter"].author == "Lee Park"
    assert articles["posts/json-front-matter"].tags == ("backups",)
    assert articles["posts/bundle"].url == f"{base}/posts/2021/07/on-call-handovers/"
    assert articles["posts/own-url"].url == f"{base}/special/own-url/"
    assert articles["about"].url == f"{base}/about/"


def test_a_hugo_site_skips_sections_bundle_resources_and_future_posts_and_names_collisions() -> (
    None
):
    result = load("hugo")

    assert skips(result) == {
        "hugo/content/_index.md": "section page",
        "hugo/content/posts/_index.md": "section page",
        "hugo/content/posts/bundle/transcript.md": "page bundle resource",
        "hugo/content/posts/from-the-future.md": "future-dated",
    }
    assert failures(result) == {
        "hugo/content/posts/bad-date.md": "bad date",
        "hugo/content/posts/same-url-two.md": "same URL",
    }
    reasons = {Path(f.path).name: f.reason for f in result.failures}
    assert "date 'sometime in spring' is not a date" in reasons["bad-date.md"]
    assert "same-url-one.md" in reasons["same-url-two.md"]
    assert "posts/same-url-one" in by_id(result)


def test_future_posts_are_indexed_when_asked() -> None:
    options = SourceOptions(today=date(2026, 1, 1), future="include")

    assert "posts/from-the-future" in by_id(load("hugo", options))


def test_a_jekyll_site_dates_posts_in_its_time_zone_and_applies_collection_permalinks() -> None:
    articles = by_id(load("jekyll"))
    base = "https://jekyll.example.net/log"

    # 23:30 in California is the next day in New York, the site's zone: so are the URL and date.
    setup = articles["_posts/2024-01-08-setup"]
    assert setup.url == f"{base}/2024/01/09/setup/" and setup.published == date(2024, 1, 9)
    hello = articles["_posts/2024-01-15-hello-world"]
    assert hello.url == f"{base}/news/2024/01/15/hello-world/"
    assert hello.published == date(2024, 1, 15) and hello.author == "Harbor Team"
    assert articles["_posts/2024-02-01-own-permalink"].url == f"{base}/guides/own-permalink/"
    assert articles["_posts/2024-03-01-unpublished"].draft is True
    assert articles["about"].url == f"{base}/about.html"


def test_a_jekyll_site_skips_drafts_listings_templates_and_excluded_files() -> None:
    result = load("jekyll")

    assert skips(result) == {
        "jekyll/_drafts/an-idea.md": "draft",
        "jekyll/drafts-notes.md": "excluded",
        "jekyll/feed.xml": "not content",
        "jekyll/index.html": "listing page",
    }
    assert failures(result) == {"jekyll/_posts/2024-03-05-bad-date.md": "bad date"}


def test_a_plain_folder_takes_its_rules_from_footnote_toml() -> None:
    result = load("plain")

    [note] = result.articles
    assert note.url == "https://plain.example.org/writing/2021-06-01-first"
    assert note.published == date(2021, 6, 1) and note.author == "Kim"
    assert "north | cold" in note.text  # the included table, as text
    assert skips(result) == {
        "plain/README.md": "repository file",
        "plain/notes/table.html": "include fragment",
        "plain/scratch/todo.md": "excluded",
    }


def test_flags_win_over_the_settings_file() -> None:
    options = SourceOptions(today=date(2026, 1, 1), permalink="/notes/:slug/")

    [note] = load("plain", options).articles

    assert note.url == "https://plain.example.org/writing/notes/first/"


def test_an_exclude_glob_skips_matching_files_anywhere() -> None:
    options = SourceOptions(today=date(2026, 1, 1), exclude=("*-basics.md",))

    result = load("zola", options)

    assert skips(result)["zola/content/blog/2023-12-11-composting-basics.md"] == "excluded"


def test_a_broken_site_configuration_is_a_source_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('baseURL = "https://x.example\n')

    with pytest.raises(SourceError, match="hugo.toml"):
        load_source(tmp_path)


def test_a_bad_setting_in_footnote_toml_is_a_source_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "footnote.toml").write_text('anchors = "fancy"\n')

    with pytest.raises(SourceError, match=r"footnote\.toml.*anchors"):
        load_source(tmp_path)


def test_a_generator_named_by_flag_reads_a_bare_content_folder_by_its_rules() -> None:
    options = SourceOptions(today=date(2026, 1, 1), generator="zola", base_url="https://x.example")

    articles = by_id(load_source(SITES / "hugo" / "content", options))

    assert articles["posts/bundle"].url == "https://x.example/posts/bundle/"
    assert "posts/_index" not in articles
