"""The reader's search page in headless Chromium, against the real app over HTTP.

Uses Playwright's Python package with Debian's Chromium at /usr/bin/chromium (Playwright's own
browser download is never needed). Without either, these tests skip, or fail when CI is set.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.browser import ARTIFACTS, LIVE_WAIT_MS, QUESTION, reading
from tests.e2e.live_server import LiveServer

try:
    from playwright.sync_api import Browser, expect
except ImportError:  # reported by the `chromium` fixture, before any test runs
    pass

pytestmark = pytest.mark.integration


def _count_for(query: str) -> re.Pattern[str]:
    return re.compile(rf"^\d+ results? for “{re.escape(query)}”$")


# Each test names `chromium` before `live_server`, so a missing browser is reported before
# the server spends time indexing.


def test_typing_a_question_shows_live_results_the_keyboard_can_reach(
    chromium: Browser, live_server: LiveServer
) -> None:
    with reading(chromium) as page:
        page.goto(live_server.url)
        box = page.get_by_role("searchbox", name="Search the articles")
        expect(box).to_be_focused()
        page.evaluate("window.stillTheSamePage = true")

        box.press_sequentially(QUESTION, delay=20)

        count = page.locator("#result-count")
        expect(count).to_have_text(_count_for(QUESTION), timeout=LIVE_WAIT_MS)
        titles = page.locator("#results .result-title")
        expect(titles.first).to_have_text("Keeping Celery Tasks Observable")
        expect(page.locator("#results mark").first).to_be_visible()
        assert page.evaluate("window.stillTheSamePage") is True, "typing reloaded the page"
        assert parse_qs(urlsplit(page.url).query) == {"q": [QUESTION], "mode": ["hybrid"]}

        box.press("ArrowDown")
        expect(titles.first).to_be_focused()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "search-page.png")

        first_result = page.locator("#results .result").first
        first_result.locator("a.passage-link[href*='#']").first.click()
        page.wait_for_url(re.compile(r"celery-observable-tasks#"))
        expect(page.get_by_role("heading", name="Article stub")).to_be_visible()


def test_keys_and_the_mode_menu_drive_the_live_search(
    chromium: Browser, live_server: LiveServer
) -> None:
    with reading(chromium) as page:
        page.goto(live_server.url)
        box = page.locator("#q")
        box.blur()
        page.keyboard.press("/")
        expect(box).to_be_focused()
        expect(box).to_have_value("")

        box.press_sequentially("redis caching", delay=20)
        count = page.locator("#result-count")
        expect(count).to_have_text(_count_for("redis caching"), timeout=LIVE_WAIT_MS)

        with page.expect_response(lambda r: "/search?" in r.url and "mode=bm25" in r.url):
            page.locator("#mode").select_option("bm25")
        expect(count).to_have_text(_count_for("redis caching"))
        expect(page.locator("#results .result").first).to_be_visible()
        assert parse_qs(urlsplit(page.url).query)["mode"] == ["bm25"]

        box.press("Escape")
        expect(box).to_have_value("")
        expect(page.locator("#results .result")).to_have_count(0)
        expect(count).to_have_text("")


def test_without_javascript_the_server_renders_results_and_the_form_still_searches(
    chromium: Browser, live_server: LiveServer
) -> None:
    with reading(chromium, java_script_enabled=False) as page:
        page.goto(f"{live_server.url}/?q=redis+caching&mode=bm25")

        expect(page.locator("#result-count")).to_have_text(_count_for("redis caching"))
        expect(page.locator("#results .result-title").first).to_contain_text("Redis")
        expect(page.locator("#results .passage-link").first).to_be_visible()
        expect(page.locator("#results mark").first).to_be_visible()
        expect(page.locator("#q")).to_have_value("redis caching")
        expect(page.locator("#mode")).to_have_value("bm25")
        expect(page.locator("#search-keys")).to_be_hidden()

        page.locator("#q").fill("celery retries")
        with page.expect_navigation():
            page.locator("#q").press("Enter")
        assert parse_qs(urlsplit(page.url).query) == {"q": ["celery retries"], "mode": ["bm25"]}
        expect(page.locator("#result-count")).to_have_text(_count_for("celery retries"))
        expect(page.locator("#results .result-title").first).to_contain_text("Celery")
