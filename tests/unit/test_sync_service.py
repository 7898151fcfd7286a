"""Sync over a real local website and the real fetcher, with fakes only at the model ports:
what is published becomes searchable within one poll, edits replace, and what is unpublished
disappears by the rules (dropped from the sitemap: at once; answering 404/410: on the second
poll)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.bench.site import Site
from indexer.config import Settings, SyncSource
from tests.builders import found, site_source, synced, write_article


def test_a_page_published_on_the_site_is_searchable_after_one_poll(
    site: Site, settings: Settings
) -> None:
    site.publish("quokka-care", "Quokka care", "Quokkas need shade in the afternoon.")
    services, sync = synced(settings, site_source(site))

    first = sync.poll_all()[0]
    site.publish("narwhal-tusks", "Narwhal tusks", "A narwhal tusk is a tooth.")
    second = sync.poll_all()[0]

    assert first.outcome == "ok" and first.counts["added"] == 1
    assert second.outcome == "ok" and second.counts["added"] == 1
    assert second.counts["fetched"] == 1  # the page already seen, same lastmod, is not asked
    assert found(services, "narwhal") == ["narwhal-tusks"]
    assert found(services, "quokkas") == ["quokka-care"]
    article = services.store.article("narwhal-tusks")
    assert article is not None and article.url == site.page_url("narwhal-tusks")


def test_an_edited_page_is_searchable_by_its_new_words_only(site: Site, settings: Settings) -> None:
    site.publish("tides", "Tides", "The moon pulls the oceans into tides.")
    services, sync = synced(settings, site_source(site))
    sync.poll_all()

    site.edit("tides", "Spring tides follow the syzygy of sun and moon.")
    run = sync.poll_all()[0]

    assert run.counts["updated"] == 1
    assert found(services, "syzygy") == ["tides"]
    assert found(services, "oceans") == []


def test_a_page_dropped_from_the_sitemap_is_removed_in_one_poll(
    site: Site, settings: Settings
) -> None:
    site.publish("stays", "Stays", "Axolotls regrow limbs.")
    site.publish("goes", "Goes", "Pangolins roll into balls.")
    services, sync = synced(settings, site_source(site))
    sync.poll_all()

    site.unpublish("goes")
    run = sync.poll_all()[0]

    assert run.counts["deleted"] == 1
    assert found(services, "pangolins") == []
    assert found(services, "axolotls") == ["stays"]


def test_a_listed_page_answering_gone_is_removed_on_the_second_poll_only(
    site: Site, settings: Settings
) -> None:
    site.publish("flaky-gone", "Flaky", "Capybaras enjoy hot springs.")
    services, sync = synced(settings, site_source(site))
    sync.poll_all()

    site.break_page("flaky-gone", status=410)
    first = sync.poll_all()[0]
    assert first.counts["gone"] == 1 and first.counts["deleted"] == 0
    assert found(services, "capybaras") == ["flaky-gone"]

    second = sync.poll_all()[0]
    assert second.counts["deleted"] == 1
    assert found(services, "capybaras") == []


def test_a_feed_publishes_and_edits_from_its_entries(site: Site, settings: Settings) -> None:
    site.publish("okapi", "Okapi", "The okapi is a forest giraffe.")
    services, sync = synced(settings, site_source(site, "feed"))
    sync.poll_all()
    site.edit("okapi", "The okapi hides in the Ituri rainforest.")
    site.publish("tapir", "Tapir", "Tapirs snorkel with their trunks.")

    run = sync.poll_all()[0]

    assert (run.counts["added"], run.counts["updated"]) == (1, 1)
    assert found(services, "ituri") == ["okapi"]
    assert found(services, "snorkel") == ["tapir"]
    assert site.requested("/posts/okapi.html") == []  # a feed carries its own content


def test_a_page_gone_from_a_feed_is_probed_and_removed_once_it_answers_404_twice(
    site: Site, settings: Settings
) -> None:
    site.publish("old-news", "Old news", "Dodos were flightless.")
    site.publish("fresh", "Fresh", "Kakapos are flightless parrots.")
    services, sync = synced(settings, site_source(site, "feed"))
    sync.poll_all()

    site.unpublish("old-news")
    first = sync.poll_all()[0]
    second = sync.poll_all()[0]

    assert first.counts["probed"] == 1 and first.counts["deleted"] == 0
    assert second.counts["deleted"] == 1
    assert found(services, "dodos") == []
    assert found(services, "kakapos") == ["fresh"]


def test_an_entry_that_only_left_the_feed_is_kept(site: Site, settings: Settings) -> None:
    site.publish("archived", "Archived", "Wombats have cube-shaped droppings.")
    services, sync = synced(settings, site_source(site, "feed"))
    sync.poll_all()

    site.pages["archived"].listed = False  # out of the feed's window, still online
    run = sync.poll_all()[0]

    assert run.counts["probed"] == 1 and run.counts["deleted"] == 0
    assert found(services, "wombats") == ["archived"]


def test_each_poll_commits_once_and_a_poll_that_finds_nothing_commits_nothing(
    site: Site, settings: Settings
) -> None:
    for name in ("alpha", "beta", "gamma"):
        site.publish(name, name.title(), f"{name} notes on lemurs.")
    services, sync = synced(settings, site_source(site))
    sync.poll_all()
    assert services.store.generation() == 1

    site.publish("delta", "Delta", "Delta notes on lemurs.")
    site.edit("alpha", "Alpha notes on tarsiers.")
    site.unpublish("beta")
    run = sync.poll_all()[0]
    assert (run.counts["added"], run.counts["updated"], run.counts["deleted"]) == (1, 1, 1)
    assert services.store.generation() == 2

    quiet = sync.poll_all()[0]
    assert quiet.counts.get("fetched", 0) == 0 and quiet.counts["added"] == 0
    assert services.store.generation() == 2
    assert site.requested("/sitemap.xml")[-1].headers.get("if-none-match")


def test_a_folder_source_indexes_its_files(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "drafts"
    write_article(folder, "meerkats", "Meerkats post sentries.")
    services, sync = synced(settings, SyncSource(kind="folder", path=folder, every_s=60))

    run = sync.poll_all()[0]

    assert run.outcome == "ok" and run.counts["added"] == 1
    assert found(services, "sentries") == ["meerkats"]


def test_only_sources_whose_interval_passed_are_polled(site: Site, settings: Settings) -> None:
    site.publish("ibis", "Ibis", "Ibises probe mud.")
    fast = site_source(site, every_s=10, name="fast")
    slow = site_source(site, "feed", every_s=100, name="slow")
    now = [1000.0]
    _, sync = synced(settings, fast, slow, clock=lambda: now[0])

    assert [r.key for r in sync.poll_due()] == ["fast", "slow"]
    now[0] += 9.0
    assert sync.poll_due() == []
    assert [r.key for r in sync.poll_due(slack_s=1.0)] == ["fast"]
    now[0] += 95.0
    assert [r.key for r in sync.poll_due()] == ["fast", "slow"]


def test_a_folder_synced_from_the_working_directory_leaves_fetched_pages_alone(
    site: Site, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.publish("fetched", "Fetched", "Pelicans scoop fish.")
    write_article(tmp_path / "here", "local", "Flamingos stand on one leg.")
    monkeypatch.chdir(tmp_path / "here")
    folder = SyncSource(kind="folder", path=Path("."), every_s=60)
    services, sync = synced(settings, site_source(site), folder)

    first = sync.poll_all()
    again = sync.poll_all()

    assert [run.outcome for run in first + again] == ["ok"] * 4
    assert again[1].counts["deleted"] == 0
    assert found(services, "pelicans") == ["fetched"]
    assert found(services, "flamingos") == ["local"]
