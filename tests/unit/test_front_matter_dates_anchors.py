"""Front matter in three formats, dates as people write them, anchors and permalinks as each
generator makes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from indexer.ingest.dates import calendar_date, parse_when
from indexer.ingest.fields import author_of, tags_of
from indexer.ingest.frontmatter import FrontMatterError, split_front_matter
from indexer.ingest.markdown import load_markdown
from indexer.ingest.sites.anchors import AnchorMaker
from indexer.ingest.sites.permalinks import date_tokens, expand, hugo_urlize, jekyll_slugify


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Pools\ndate: 2024-4-09\n---\n\nBody\n",
        '+++\ntitle = "Pools"\ndate = 2024-04-09\n+++\n\nBody\n',
        '{\n  "title": "Pools",\n  "date": "2024-04-09"\n}\n\nBody\n',
    ],
    ids=["yaml", "toml", "json"],
)
def test_yaml_toml_and_json_front_matter_give_the_same_article(text: str) -> None:
    [article] = load_markdown(text, "posts/pools.md").articles

    assert (article.title, article.published, article.text) == ("Pools", date(2024, 4, 9), "Body\n")


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ('+++\ntitle = "x"\ntags = [\n+++\nB\n', "invalid TOML front matter", None),
        ('{"title": "x",\n "date": }\nB\n', "invalid JSON front matter", 2),
        ("---\ntitle: x\n  bad: y\n---\nB\n", "invalid YAML front matter", 3),
        ('+++\ntitle = "x"\n', "never closed with '+++'", 1),
        ("Just text\n", "no YAML front matter", 1),
    ],
)
def test_unreadable_front_matter_is_a_clear_error_with_its_line(
    text: str, reason: str, line: int | None
) -> None:
    with pytest.raises(FrontMatterError) as raised:
        split_front_matter(text)

    assert reason in raised.value.reason
    if line is not None:
        assert raised.value.line == line


PLUS_2, MINUS_8 = timezone(timedelta(hours=2)), timezone(timedelta(hours=-8))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-4-09", date(2024, 4, 9)),
        ("2013-05-06 02:12:52 +0200", datetime(2013, 5, 6, 2, 12, 52, tzinfo=PLUS_2)),
        ("2023-12-20T09:30:00-08:00", datetime(2023, 12, 20, 9, 30, tzinfo=MINUS_8)),
        ("November 8, 2019", date(2019, 11, 8)),
        ("Wed, 05 Jun 2024 10:00:00 GMT", datetime(2024, 6, 5, 10, tzinfo=UTC)),
        ("2023-01-29 18:30:22 2023 -0800", datetime(2023, 1, 29, 18, 30, 22, tzinfo=MINUS_8)),
    ],
)
def test_dates_are_read_as_people_and_generators_write_them(
    written: str, expected: date | datetime
) -> None:
    assert parse_when(written, "date") == expected


@pytest.mark.parametrize("written", ["next tuesday", "May 2019", "2019", "2024-13-45"])
def test_a_text_without_year_month_and_day_is_an_error_naming_field_and_value(written: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_when(written, "publishDate")

    assert f"publishDate {written!r} is not a date" in str(raised.value)


def test_an_evening_post_keeps_the_day_it_was_written_on() -> None:
    assert calendar_date(parse_when("2024-05-01T23:30:00-05:00", "date")) == date(2024, 5, 1)


def test_authors_come_from_author_authors_by_or_zolas_extra() -> None:
    assert author_of({"by": ["Rob Pike", "Russ Cox"]}) == "Rob Pike, Russ Cox"
    assert author_of({"authors": [{"name": "Ana"}, {"name": "Rui"}]}) == "Ana, Rui"
    assert author_of({"extra": {"author": "Kim"}}) == "Kim"
    assert author_of({"author": "[Lee](https://example.org/lee)"}) == "Lee"


def test_tags_gather_tags_categories_keywords_and_taxonomies() -> None:
    fields = {"tags": ["Go"], "categories": "news", "taxonomies": {"tags": ["go", "Web"]}}

    assert tags_of(fields) == ("go", "news", "web")


# Hugo's own test vectors for its default ("github") anchors, and GitHub's for its slugger.
@pytest.mark.parametrize(
    ("heading", "hugo", "zola", "kramdown"),
    [
        ("God is good: 神真美好", "god-is-good-神真美好", "god-is-good-shen-zhen-mei-hao",
         "god-is-good-"),
        ("1+2=3", "123", "1-2-3", "section"),
        ("Special !\"#$%&(parens)=?´* chars", "special-parens-chars", "special-parens-chars",
         "special-parens-chars"),
        ("Resumé", "resumé", "resume", "resum"),
        ("Many   spaces  here", "many---spaces--here", "many-spaces-here", "many---spaces--here"),
        ("Under_score", "under_score", "under-score", "underscore"),
        ("Don't panic", "dont-panic", "don-t-panic", "dont-panic"),
    ],
)  # fmt: skip
def test_each_generator_slugs_a_heading_its_own_way(
    heading: str, hugo: str, zola: str, kramdown: str
) -> None:
    assert AnchorMaker("hugo").make(heading, heading) == hugo
    assert AnchorMaker("zola").make(heading, heading) == zola
    assert AnchorMaker("kramdown").make(heading, heading) == kramdown


def test_goldmark_keeps_ascii_only_and_jekylls_gfm_ids_keep_unicode_words() -> None:
    assert AnchorMaker("goldmark").make("Café au lait", "Café au lait") == "caf-au-lait"
    assert AnchorMaker("kramdown-gfm").make("Café au lait", "Café au lait") == "café-au-lait"
    assert AnchorMaker("blackfriday").make("Let's try this, shall we?", "") == (
        "let-s-try-this-shall-we"
    )


def test_repeated_headings_get_numbered_suffixes_that_skip_taken_ids() -> None:
    maker = AnchorMaker("zola")
    maker.explicit("intro-1")

    assert [maker.make("Intro", "Intro") for _ in range(3)] == ["intro", "intro-2", "intro-3"]


def test_a_heading_of_only_punctuation_gets_each_generators_fallback() -> None:
    assert AnchorMaker("hugo").make("???", "???") == "heading"
    assert AnchorMaker("kramdown").make("???", "???") == "section"
    assert AnchorMaker("github").make("???", "???") is None


def test_permalink_tokens_expand_with_dates_sections_and_slices() -> None:
    values = {**date_tokens(date(2023, 3, 1)), "section": "blog", "slug": "kwok",
              "sections": ["blog", "2023"]}  # fmt: skip

    assert expand("/:section/:year/:month/:day/:slug/", values) == "/blog/2023/03/01/kwok/"
    assert expand("/:sections[1:]/:slug", values) == "/2023/kwok"
    assert expand("/:unknown/:slug", values) == "/:unknown/kwok"


def test_hugo_and_jekyll_make_paths_from_titles_their_own_way() -> None:
    assert hugo_urlize("Spotlight on SIG Node!") == "spotlight-on-sig-node"
    assert jekyll_slugify("jekyll-sass-converter-3.0-released", "pretty", cased=True) == (
        "jekyll-sass-converter-3.0-released"
    )
    assert jekyll_slugify("The _config.yml file") == "the-config-yml-file"
