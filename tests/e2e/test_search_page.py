"""The reader's search page in headless Chromium, against the real app over HTTP.

Uses Playwright's Python package with Debian's Chromium at /usr/bin/chromium (Playwright's own
browser download is never needed). Without either, these tests skip, or fail when CI is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import LiveServer

try:
    from playwright.sync_api import Browser, Page, Route, expect, sync_playwright
except ImportError as exc:  # reported by the `chromium` fixture, before any test runs
    PLAYWRIGHT_MISSING: str | None = f"the playwright package is not installed ({exc})"
else:
    PLAYWRIGHT_MISSING = None

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The sample articles link to this site; it is not reachable, so the browser gets a stub.
ARTICLE_SITE = "https://ledger.example.com/**"
QUESTION = "how do I keep Celery tasks observable"
# A cold model on a busy CPU box can take seconds over the first query.
LIVE_WAIT_MS = 20_000


def _browser_problem() -> str | None:
    if PLAYWRIGHT_MISSING:
        return f"{PLAYWRIGHT_MISSING}; install the dev extra: pip install -e '.[dev]'"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}; install it with: apt-get install -y chromium"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    problem = _browser_problem()
    if problem and os.environ.get("CI"):
        pytest.fail(f"the e2e browser tests cannot run: {problem}", pytrace=False)
    if problem:
        pytest.skip(problem)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def _reading(chromium: Browser, **options: Any) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1100, "height": 1000}, **options)
    try:
        page = context.new_page()
        page.route(ARTICLE_SITE, _serve_article_stub)
        yield page
    finally:
        context.close()


def _serve_article_stub(route: Route) -> None:
    route.fulfill(
        status=200,
        content_type="text/html; charset=utf-8",
        body="<!doctype html><title>Article</title><h1>Article stub</h1>",
    )


def _count_for(query: str) -> re.Pattern[str]:
    return re.compile(rf"^\d+ results? for “{re.escape(query)}”$")


# Each test names `chromium` before `live_server`, so a missing browser is reported before
# the server spends time indexing.


def test_typing_a_question_shows_live_results_the_keyboard_can_reach(
    chromium: Browser, live_server: LiveServer
) -> None:
    with _reading(chromium) as page:
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
    with _reading(chromium) as page:
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
    with _reading(chromium, java_script_enabled=False) as page:
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
