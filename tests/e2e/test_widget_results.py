"""What the reader interface does after the results arrive, on a blog at another origin and on
`/`: focus stays put when a newer response replaces the list, and opening a result is reported
under the search the reader settled on (never under each keystroke's)."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer.adapters.sqlite_analytics import SqliteSearchLog
from tests.e2e.browser import LIVE_WAIT_MS, reading
from tests.e2e.widget_site import FOCUSED, Sites, open_blog

try:
    from playwright.sync_api import Browser, Route, expect
except ImportError:  # reported by the `chromium` fixture, before any test runs
    pass

pytestmark = pytest.mark.integration


def test_focus_stays_on_its_result_when_a_newer_response_replaces_the_list(
    chromium: Browser, sites: Sites
) -> None:
    held: list[Route] = []

    def hold(route: Route) -> None:  # the longer query's answer waits until the test says
        if parse_qs(urlsplit(route.request.url).query).get("q") == ["celery retries"]:
            held.append(route)
        else:
            route.continue_()

    with reading(chromium) as page:
        open_blog(page, sites.blog)
        page.route(lambda url: "/search?" in url, hold)
        page.keyboard.press("Control+k")
        box = page.get_by_role("searchbox", name="Search the articles")
        box.fill("celery")
        expect(page.locator("footnote-search #results > li").nth(1)).to_be_visible(
            timeout=LIVE_WAIT_MS
        )
        box.fill("celery retries")
        for _ in range(100):
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the newer search was sent"
        second = "[...document.querySelector('footnote-search').shadowRoot"
        second += ".querySelectorAll('#results a.result-title')][1]"
        for _ in range(10):  # arrowing down to the second result's title
            page.keyboard.press("ArrowDown")
            if page.evaluate(f"{FOCUSED} === {second}"):
                break
        assert page.evaluate(f"{FOCUSED} === {second}")
        held.pop().continue_()
        count = page.locator("footnote-search #result-count")
        expect(count).to_have_text(re.compile("for “celery retries”$"), timeout=LIVE_WAIT_MS)
        assert page.evaluate("document.activeElement.tagName") == "FOOTNOTE-SEARCH"
        assert page.evaluate(f"{FOCUSED} === {second}"), "the new list's second title"
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        assert page.evaluate(f"{FOCUSED}.tagName") == "INPUT"
        for route in held:
            route.continue_()


@pytest.mark.parametrize("where", ["widget", "page"])
def test_opening_a_result_is_reported_under_the_search_settled_on(
    chromium: Browser, sites: Sites, where: str
) -> None:
    log = SqliteSearchLog(sites.api.data_dir / "analytics.sqlite")
    since = time.time()
    query = f"redis caching {where}"
    with reading(chromium) as page:
        if where == "widget":
            open_blog(page, sites.blog)
            page.keyboard.press("Control+k")
        else:
            page.goto(sites.api.url)
        box = page.get_by_role("searchbox", name="Search the articles")
        box.press_sequentially(query, delay=60)
        title = page.locator("footnote-search #results a.result-title").first
        expect(title).to_be_visible(timeout=LIVE_WAIT_MS)
        deadline = time.monotonic() + 15
        while not [q for q in log.queries(since) if q.text == query]:
            assert time.monotonic() < deadline, "the settled search was never counted"
            time.sleep(0.2)
        href = title.get_attribute("href") or ""
        title.click()
        page.wait_for_url(href)
    deadline = time.monotonic() + 15
    while not log.opens(since):
        assert time.monotonic() < deadline, "opening the result was not reported"
        time.sleep(0.2)
    counted = {q.query_id: q.text for q in log.queries(since)}
    assert [counted.get(o.query_id) for o in log.opens(since)] == [query]
    assert list(counted.values()) == [query], "no keystroke's search was counted"
