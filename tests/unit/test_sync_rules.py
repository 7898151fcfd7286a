"""The rules of a poll, without a network: sitemap parsing, what to fetch and probe, the strike
rule, the sync state's claims, and the settings' checks on sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from footnote.cli import main
from indexer.adapters.sqlite_sync_state import SqliteSyncState
from indexer.config import Settings, SyncSource
from indexer.errors import SyncError
from indexer.ports import Fetched, PageState, SourceState, Validators
from indexer.sync.planning import pages_to_fetch, seen, struck, to_probe, unlisted
from indexer.sync.sitemap import Listed, parse_sitemap

SITEMAP = """<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://blog.example/a</loc><lastmod>2024-05-01</lastmod></url>
  <url><loc> /b </loc></url>
  <url><loc>https://blog.example/a</loc><lastmod>2099-01-01</lastmod></url>
  <url><lastmod>2024-01-01</lastmod></url>
</urlset>"""


def test_a_sitemap_lists_each_page_once_with_its_lastmod() -> None:
    assert parse_sitemap(SITEMAP, "https://blog.example/sitemap.xml") == [
        Listed("https://blog.example/a", "2024-05-01"),
        Listed("https://blog.example/b", None),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<html><body>hi</body></html>", "root element is <html>"),
        ("<urlset><url>", "not a sitemap"),
        ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "sitemap index"),
    ],
)
def test_what_is_not_a_sitemap_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(SyncError, match=reason):
        parse_sitemap(text, "https://blog.example/sitemap.xml")


def test_new_redated_undated_and_failing_pages_are_fetched_the_rest_are_not() -> None:
    known = {
        "u/same": PageState("u/same", "same", lastmod="2024-01-01"),
        "u/redated": PageState("u/redated", "redated", lastmod="2024-01-01"),
        "u/undated": PageState("u/undated", "undated"),
        "u/failing": PageState("u/failing", "failing", lastmod="2024-01-01", error="HTTP 500"),
        "u/struck": PageState("u/struck", "struck", lastmod="2024-01-01", strikes=1),
    }
    listed = [
        Listed("u/same", "2024-01-01"),
        Listed("u/redated", "2024-02-01"),
        Listed("u/undated"),
        Listed("u/failing", "2024-01-01"),
        Listed("u/struck", "2024-01-01"),
        Listed("u/new", "2024-01-01"),
    ]

    fetched = [entry.url for entry in pages_to_fetch(listed, known)]

    assert fetched == ["u/redated", "u/undated", "u/failing", "u/struck", "u/new"]
    assert [page.url for page in unlisted(["u/same"], known)] == [
        "u/redated",
        "u/undated",
        "u/failing",
        "u/struck",
    ]


def test_a_page_is_gone_on_its_second_404_in_a_row_and_an_answer_between_resets_it() -> None:
    page = PageState("u", "article")

    once, gone_once = struck(page, now=1.0)
    alive = seen(once, Fetched("u", 304), now=2.0, lastmod=None)
    again, gone_again = struck(alive, now=3.0)
    twice, gone_twice = struck(again, now=4.0)

    assert not gone_once and once.article_id == "article" and once.strikes == 1
    assert alive.strikes == 0
    assert not gone_again
    assert gone_twice and twice.article_id is None


def test_a_not_modified_answer_keeps_the_validators_it_was_asked_with() -> None:
    page = PageState("u", "a", validators=Validators('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT"))

    kept = seen(page, Fetched("u", 304), now=5.0, lastmod="x")
    renewed = seen(page, Fetched("u", 200, "text", Validators('"v2"')), now=5.0, lastmod="x")

    assert kept.validators == page.validators
    assert renewed.validators == Validators('"v2"')


def test_unlisted_pages_are_probed_least_recently_checked_first_up_to_the_limit() -> None:
    pages = [
        PageState("listed", "a", listed=True),
        PageState("old", "b", listed=False, checked_at=10.0),
        PageState("never", "c", listed=False),
        PageState("recent", "d", listed=False, checked_at=50.0),
        PageState("removed", None, listed=False),
    ]

    assert [page.url for page in to_probe(pages, limit=2)] == ["never", "old"]


def test_only_one_poller_claims_a_source_until_it_finishes(tmp_path: Path) -> None:
    first = SqliteSyncState(tmp_path / "sync.sqlite")
    second = SqliteSyncState(tmp_path / "sync.sqlite")  # another process, same data dir

    assert first.claim("blog", now=100.0, lease_s=60)
    assert not second.claim("blog", now=110.0, lease_s=60)
    first.finish(
        SourceState("blog", Validators('"e"'), 100.0, 101.0, "ok", None, {"added": 2}),
        [PageState("https://blog.example/a", "a", Validators('"p"'), "2024-01-01")],
    )
    assert second.claim("blog", now=111.0, lease_s=60)
    assert second.source("blog") == SourceState(
        "blog", Validators('"e"'), 111.0, 101.0, "ok", None, {"added": 2}
    )
    assert second.pages("blog")["https://blog.example/a"].validators == Validators('"p"')
    assert second.claim("other", now=112.0, lease_s=60)  # sources are claimed apart


def test_an_expired_claim_is_taken_over(tmp_path: Path) -> None:
    state = SqliteSyncState(tmp_path / "sync.sqlite")

    assert state.claim("blog", now=0.0, lease_s=10)
    assert state.claim("blog", now=10.5, lease_s=10)


def test_sources_are_read_from_json_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [
        {"kind": "feed", "url": "https://blog.example/feed.xml", "every_s": 60},
        {"kind": "folder", "path": "/srv/articles", "name": "archive"},
    ]
    monkeypatch.setenv("FOOTNOTE_SYNC_SOURCES", json.dumps(sources))

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert [s.key for s in settings.sync_sources] == ["https://blog.example/feed.xml", "archive"]
    assert settings.sync_sources[0].host == "blog.example"
    assert settings.sync_tick_s == 30.0


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"kind": "feed", "path": "/x"}, "takes a url and no path"),
        ({"kind": "sitemap", "url": "ftp://blog.example/s.xml"}, "not an http"),
        ({"kind": "folder", "url": "https://blog.example/"}, "takes a path and no url"),
        ({"kind": "feed", "url": "https://b.example/f", "every_s": 0}, "greater than or equal"),
    ],
)
def test_a_malformed_source_is_refused_with_the_reason(
    fields: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        SyncSource.model_validate(fields)


def test_two_sources_with_one_name_are_refused() -> None:
    feed = SyncSource(kind="feed", url="https://blog.example/feed.xml")
    with pytest.raises(ValidationError, match="named twice"):
        Settings(sync_sources=[feed, feed], _env_file=None)  # type: ignore[call-arg]


def test_the_sync_command_says_what_is_wrong_with_the_sources(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("FOOTNOTE_SYNC_SOURCES", "[{not json")
    assert main(["sync", "--data-dir", str(tmp_path)]) == 2
    assert "invalid configuration" in capsys.readouterr().err

    monkeypatch.setenv("FOOTNOTE_SYNC_SOURCES", "[]")
    assert main(["sync", "--data-dir", str(tmp_path)]) == 2
    assert "no sync sources configured" in capsys.readouterr().err


def test_the_worker_schedules_the_sync_only_when_sources_are_configured(tmp_path: Path) -> None:
    from tasks.celery_app import SYNC_TASK, make_celery
    from tasks.sync import TASK

    source = SyncSource(kind="feed", url="https://blog.example/feed.xml", every_s=10)
    configured = Settings(data_dir=tmp_path, sync_sources=[source], _env_file=None)  # type: ignore[call-arg]

    entry = make_celery(configured).conf.beat_schedule["sync-sources"]
    plain = make_celery(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]

    assert TASK.name == entry["task"] == SYNC_TASK
    assert entry["schedule"] == entry["options"]["expires"] == 5.0
    assert entry["options"]["queue"] == "indexing"
    assert plain.conf.beat_schedule == {}
