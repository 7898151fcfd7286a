"""Sync when things go wrong: a broken, slow, redirected or robots-disallowed page fails alone and
is recorded; a source that fails does not stop the others; and the failures are visible."""

from __future__ import annotations

import json
import time

import pytest

from eval.bench.site import Site
from footnote.cli import main
from indexer.bootstrap import sync_state
from indexer.config import Settings
from tests.builders import found, site_source, synced


def test_a_broken_page_is_recorded_and_the_others_are_indexed(
    site: Site, settings: Settings
) -> None:
    site.publish("good", "Good", "Gibbons sing duets.")
    site.publish("broken", "Broken", "Bonobos share food.")
    site.break_page("broken", status=500)
    services, sync = synced(settings, site_source(site))

    run = sync.poll_all()[0]

    assert run.outcome == "partial" and run.counts["added"] == 1 and run.counts["failed"] == 1
    assert run.error is not None and "/posts/broken.html: HTTP 500" in run.error
    assert found(services, "gibbons") == ["good"]
    status = sync.status()[0].as_dict()
    assert status["last_run"]["outcome"] == "partial"
    assert status["failing_pages"][0].startswith(site.page_url("broken"))

    site.pages["broken"].status = 200  # fixed: retried on the next poll although unchanged
    assert sync.poll_all()[0].outcome == "ok"
    assert found(services, "bonobos") == ["broken"]


def test_a_slow_page_times_out_alone(site: Site, settings: Settings) -> None:
    site.publish("quick", "Quick", "Cheetahs sprint briefly.")
    site.publish("sluggish", "Sluggish", "Sloths descend weekly.")
    site.slow_page("sluggish", 3.0)
    services, sync = synced(settings, site_source(site), sync_timeout_s=0.3, sync_retries=0)

    started = time.monotonic()
    run = sync.poll_all()[0]

    assert time.monotonic() - started < 2.5
    assert run.outcome == "partial" and "ReadTimeout" in (run.error or "")
    assert found(services, "cheetahs") == ["quick"]
    assert found(services, "sloths") == []


def test_a_page_redirected_to_another_host_is_refused(site: Site, settings: Settings) -> None:
    site.publish("home", "Home", "Herons stalk fish.")
    site.publish("moved", "Moved", "Storks migrate far.")
    site.redirects["/posts/moved.html"] = f"http://localhost:{site.port}/posts/moved.html"
    services, sync = synced(settings, site_source(site))

    run = sync.poll_all()[0]

    assert run.outcome == "partial" and "not on the source's host" in (run.error or "")
    assert found(services, "herons") == ["home"]
    assert found(services, "storks") == []


def test_a_page_robots_txt_disallows_is_not_fetched(site: Site, settings: Settings) -> None:
    site.robots = "User-agent: *\nDisallow: /posts/hidden\n"
    site.publish("shown", "Shown", "Puffins nest in burrows.")
    site.publish("hidden-page", "Hidden", "Gannets dive deep.")
    services, sync = synced(settings, site_source(site))

    run = sync.poll_all()[0]

    assert run.outcome == "partial" and "robots.txt" in (run.error or "")
    assert site.requested("/posts/hidden-page.html") == []
    assert found(services, "puffins") == ["shown"]


def test_a_source_refused_for_its_private_address_fails_alone(
    site: Site, settings: Settings
) -> None:
    site.publish("marmots", "Marmots", "Marmots whistle warnings.")
    private = site_source(site, allow_private=False, name="not-allowed")
    allowed = site_source(site, "feed", name="allowed")
    services, sync = synced(settings, private, allowed)

    refused, fine = sync.poll_all()

    assert refused.outcome == "failed" and "private, loopback or link-local" in (
        refused.error or ""
    )
    assert fine.outcome == "ok" and found(services, "marmots") == ["marmots"]
    assert site.requested("/sitemap.xml") == []
    last = {s.source.key: s.last for s in sync.status()}
    assert last["not-allowed"] is not None and last["not-allowed"].outcome == "failed"


def test_a_listing_that_cannot_be_fetched_changes_nothing_until_it_can(
    site: Site, settings: Settings
) -> None:
    site.publish("kept", "Kept", "Ospreys hover.")
    site.publish("down", "Down", "Server errors everywhere.")
    services, sync = synced(settings, site_source(site))
    sync.poll_all()
    site.break_page("down", status=503)
    site.redirects["/sitemap.xml"] = "/posts/down.html"

    run = sync.poll_all()[0]

    assert run.outcome == "failed" and "HTTP 503" in (run.error or "")
    assert found(services, "ospreys") == ["kept"]
    del site.redirects["/sitemap.xml"]
    site.pages["down"].status = 200
    site.publish("later", "Later", "Kestrels hover too.")
    assert sync.poll_all()[0].outcome == "ok"
    assert found(services, "kestrels") == ["later"]


def test_a_source_being_polled_elsewhere_is_not_polled_twice(
    site: Site, settings: Settings
) -> None:
    source = site_source(site)
    services, sync = synced(settings, source)
    assert sync_state(services.settings).claim(source.key, time.time(), 60)

    run = sync.poll_all()[0]

    assert run.outcome == "busy" and site.requests == []


def test_a_sitemap_that_is_not_one_fails_the_source_with_the_reason(
    site: Site, settings: Settings
) -> None:
    source = site_source(site)
    site.redirects["/sitemap.xml"] = "/posts/page.html"
    site.publish("page", "Page", "Not a sitemap at all.")
    _, sync = synced(settings, source)

    run = sync.poll_all()[0]

    assert run.outcome == "failed" and "not a sitemap" in (run.error or "")


def test_footnote_sync_status_shows_each_sources_last_failure_without_loading_a_model(
    site: Site,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site.publish("fine", "Fine", "Beavers build dams.")
    site.publish("bad", "Bad", "Otters hold hands.")
    site.break_page("bad", status=500)
    source = site_source(site)
    _, sync = synced(settings, source)
    sync.poll_all()
    monkeypatch.setenv("FOOTNOTE_SYNC_SOURCES", json.dumps([source.model_dump(mode="json")]))

    code = main(["sync", "--status", "--json", "--data-dir", str(settings.data_dir)])

    (shown,) = json.loads(capsys.readouterr().out)["sources"]
    assert code == 0 and shown["source"] == source.url and shown["kind"] == "sitemap"
    assert shown["last_run"]["outcome"] == "partial"
    assert shown["last_run"]["counts"]["added"] == 1
    assert "HTTP 500" in shown["last_run"]["error"] and shown["pages"] == 2
