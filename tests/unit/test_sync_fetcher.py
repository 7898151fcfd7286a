"""The sync fetcher against a real HTTP server on 127.0.0.1: its politeness and safety rules."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from eval.bench.site import Site
from indexer.adapters.address_guard import checked_addresses
from indexer.adapters.http_fetcher import HttpxFetcher, user_agent
from indexer.errors import FetchFailed, FetchRefused
from indexer.ports import Fetched, FetchScope

AGENT = user_agent("https://search.example")
LOOPBACK = FetchScope("127.0.0.1", allow_private=True)


def fetcher(**options: object) -> HttpxFetcher:
    settings: dict[str, object] = {"timeout_s": 0.5, "retries": 1, "backoff_s": 0.01, **options}
    return HttpxFetcher({"127.0.0.1"}, AGENT, **settings)  # type: ignore[arg-type]


def test_a_page_is_fetched_with_its_own_user_agent_and_then_asked_only_if_changed(
    site: Site,
) -> None:
    url = site.publish("hello", "Hello", "A first post about quokkas.")
    first = fetcher().fetch(url, LOOPBACK)
    second = fetcher().fetch(url, LOOPBACK, first.validators)

    assert AGENT == "FootnoteBot/0.1 (+https://search.example)"
    assert first.status == 200 and "quokkas" in first.text and first.validators.etag
    assert second.status == 304 and second.text == ""
    sent = site.requested("/posts/hello.html")
    assert [r.headers["user-agent"] for r in sent] == [AGENT, AGENT]
    assert sent[1].headers["if-none-match"] == first.validators.etag


def test_a_page_gone_is_an_answer_not_an_error(site: Site) -> None:
    url = site.publish("old", "Old", "Soon gone.")
    site.unpublish("old", status=410)

    assert fetcher().fetch(url, LOOPBACK).gone


def test_robots_txt_is_obeyed_and_what_it_disallows_is_never_requested(site: Site) -> None:
    site.robots = "User-agent: FootnoteBot\nDisallow: /posts/private\n\nUser-agent: *\nAllow: /\n"
    allowed = site.publish("public", "Public", "Open to all.")
    private = site.publish("private-notes", "Private", "Not for bots.")

    assert fetcher().fetch(allowed, LOOPBACK).status == 200
    with pytest.raises(FetchRefused, match="robots.txt"):
        fetcher().fetch(private, LOOPBACK)
    assert site.requested("/posts/private-notes.html") == []


def test_a_redirect_on_the_same_host_is_followed(site: Site) -> None:
    target = site.publish("new-home", "New home", "Moved here.")
    site.redirects["/posts/old-home.html"] = "/posts/new-home.html"

    fetched = fetcher().fetch(f"{site.url}/posts/old-home.html", LOOPBACK)

    assert fetched.status == 200 and fetched.url == target


def test_a_redirect_to_another_host_is_refused_before_it_is_followed(site: Site) -> None:
    site.publish("elsewhere", "Elsewhere", "On another host name.")
    site.redirects["/posts/moved.html"] = f"http://localhost:{site.port}/posts/elsewhere.html"
    wide = HttpxFetcher({"127.0.0.1", "localhost"}, AGENT, timeout_s=0.5)

    with pytest.raises(FetchRefused, match="not on the source's host 127.0.0.1"):
        wide.fetch(f"{site.url}/posts/moved.html", LOOPBACK)
    assert site.requested("/posts/elsewhere.html") == []


def test_loopback_is_refused_unless_the_source_allows_private_addresses(site: Site) -> None:
    url = site.publish("local", "Local", "Served on loopback.")

    with pytest.raises(FetchRefused, match="private, loopback or link-local"):
        fetcher().fetch(url, FetchScope("127.0.0.1", allow_private=False))
    assert site.requests == []


def test_a_host_not_named_in_the_settings_is_never_fetched(site: Site) -> None:
    url = site.publish("page", "Page", "Anything.")
    narrow = HttpxFetcher({"blog.example"}, AGENT)

    with pytest.raises(FetchRefused, match="not named in the sync settings"):
        narrow.fetch(url, LOOPBACK)
    assert site.requests == []


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "192.168.0.10", "169.254.169.254", "127.0.0.1", "::1", "fe80::1", "fc00::1"],
)
def test_private_link_local_and_loopback_addresses_are_refused(address: str) -> None:
    with pytest.raises(FetchRefused):
        checked_addresses(address, 80, allow_private=False)
    assert checked_addresses(address, 80, allow_private=True) == [address]


def test_an_ipv4_address_inside_ipv6_is_judged_as_what_it_reaches() -> None:
    with pytest.raises(FetchRefused, match="127.0.0.1"):
        checked_addresses("::ffff:127.0.0.1", 80, allow_private=False)


def test_unspecified_and_multicast_addresses_are_refused_even_when_private_is_allowed() -> None:
    for address in ("0.0.0.0", "224.0.0.1"):
        with pytest.raises(FetchRefused, match="never fetched"):
            checked_addresses(address, 80, allow_private=True)
    assert checked_addresses("93.184.216.34", 80, allow_private=False) == ["93.184.216.34"]


def test_a_slow_page_times_out_after_its_retries(site: Site) -> None:
    url = site.publish("slow", "Slow", "Takes its time.")
    site.slow_page("slow", 3.0)

    started = time.monotonic()
    with pytest.raises(FetchFailed, match="ReadTimeout"):
        fetcher(timeout_s=0.3, retries=1).fetch(url, LOOPBACK)

    assert time.monotonic() - started < 2.0
    assert len(site.requested("/posts/slow.html")) == 2


def test_server_errors_are_retried_with_growing_backoff_then_reported(site: Site) -> None:
    url = site.publish("flaky", "Flaky", "Fails.")
    site.break_page("flaky", status=503)
    waits: list[float] = []

    with pytest.raises(FetchFailed, match=r"HTTP 503 \(after 3 attempts\)"):
        fetcher(retries=2, backoff_s=0.1, sleep=waits.append).fetch(url, LOOPBACK)

    assert len(site.requested("/posts/flaky.html")) == 3
    assert len(waits) == 2 and 0.05 <= waits[0] <= 0.15 and 0.1 <= waits[1] <= 0.3


def test_a_client_error_other_than_gone_fails_at_once(site: Site) -> None:
    url = site.publish("secret", "Secret", "Members only.")
    site.break_page("secret", status=403)

    with pytest.raises(FetchFailed, match="HTTP 403"):
        fetcher(retries=3).fetch(url, LOOPBACK)
    assert len(site.requested("/posts/secret.html")) == 1


def test_a_body_over_the_size_cap_is_refused(site: Site) -> None:
    url = site.publish("huge", "Huge", "word " * 5000)

    with pytest.raises(FetchRefused, match="byte cap"):
        fetcher(max_bytes=10_000).fetch(url, LOOPBACK)
    assert fetcher(max_bytes=100_000).fetch(url, LOOPBACK).status == 200


def test_at_most_two_requests_reach_one_host_at_once(site: Site) -> None:
    urls = [site.publish(f"page-{i}", f"Page {i}", "Slowish.") for i in range(6)]
    for i in range(6):
        site.slow_page(f"page-{i}", 0.2)
    shared = fetcher(timeout_s=2.0)
    shared.fetch(urls[0], LOOPBACK)  # robots.txt read once, before the burst
    site.most_at_once = 0

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers: list[Fetched] = list(pool.map(lambda u: shared.fetch(u, LOOPBACK), urls))

    assert [a.status for a in answers] == [200] * 6
    assert site.most_at_once == 2
