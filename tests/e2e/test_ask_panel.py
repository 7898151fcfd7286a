"""The Ask panel in headless Chromium: a question answered by the embedded worker, with
citations that open their passages, and an honest abstention for what the articles don't cover.

Reuses the browser set-up of test_search_page.py (same Chromium, same skip-or-fail rule).
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import ARTIFACTS, QUESTION, reading
from tests.e2e.live_server import LiveServer

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # reported by the `chromium` fixture, before any test runs
    pass

pytestmark = pytest.mark.integration

UNANSWERABLE = "what is the capital of Mongolia"
# The worker loads the model on its first job, then retrieves and answers.
ANSWER_WAIT_MS = 60_000
ARTICLE_LINK = "ledger.example.com/articles/"


def _wait_for_the_answer(page: Page) -> None:
    panel = page.locator("#answer-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("aria-busy", "false", timeout=ANSWER_WAIT_MS)
    # Empty once an answer is shown; "failed: <reason>" here names what went wrong.
    expect(page.locator("#answer-status")).to_have_text("")


def test_asking_shows_an_answer_whose_citations_open_the_quoted_passage(
    chromium: Browser, live_server: LiveServer
) -> None:
    with reading(chromium) as page:
        page.goto(live_server.url)
        page.get_by_role("searchbox", name="Search the articles").fill(QUESTION)
        page.get_by_role("button", name="Ask", exact=True).click()

        _wait_for_the_answer(page)
        panel = page.locator("#answer-panel")
        expect(panel).to_have_attribute("aria-live", "polite")
        expect(page.locator("#answer-kind")).to_have_text(re.compile(r"^(Extractive|Generated)"))
        expect(page.locator("#answer-text")).not_to_be_empty()
        marker = panel.locator("button.cite").first
        expect(marker).to_have_text(re.compile(r"^\[\d+\]$"))
        expect(marker).to_have_attribute("aria-expanded", "false")
        quote_id = marker.get_attribute("aria-controls")
        assert quote_id, "a citation button must name the passage it reveals"
        quote = page.locator(f"#{quote_id}")
        expect(quote).to_be_hidden()

        marker.click()

        expect(marker).to_have_attribute("aria-expanded", "true")
        expect(quote).to_be_visible()
        expect(quote.locator(".cite-passage")).not_to_be_empty()
        expect(marker).to_be_focused()
        source = panel.locator(".cite-item", has=quote)
        href = source.locator("a.cite-title").get_attribute("href") or ""
        assert ARTICLE_LINK in href and "#" in href, href
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "ask-panel.png")

        marker.press("Enter")
        expect(quote).to_be_hidden()
        expect(marker).to_have_attribute("aria-expanded", "false")


def test_a_question_the_articles_do_not_answer_shows_an_abstention_and_closest_articles(
    chromium: Browser, live_server: LiveServer
) -> None:
    with reading(chromium) as page:
        page.goto(live_server.url)
        box = page.get_by_role("searchbox", name="Search the articles")
        box.fill(UNANSWERABLE)
        box.press("Control+Enter")

        _wait_for_the_answer(page)
        panel = page.locator("#answer-panel")
        expect(page.locator("#answer-kind")).to_have_text("Not answered by the articles")
        expect(page.locator("#answer-text")).to_contain_text("don't answer")
        expect(panel.locator("button.cite")).to_have_count(0)
        expect(page.locator("#answer-sources")).to_be_hidden()
        suggestions = page.locator("#answer-suggestions a")
        expect(suggestions.first).to_be_visible()
        assert ARTICLE_LINK in (suggestions.first.get_attribute("href") or "")
        expect(box).to_be_focused()


def test_without_javascript_the_ask_button_and_panel_stay_out_of_the_way(
    chromium: Browser, live_server: LiveServer
) -> None:
    with reading(chromium, java_script_enabled=False) as page:
        page.goto(live_server.url)
        expect(page.locator("#ask-button")).to_be_hidden()
        expect(page.locator("#answer-panel")).to_be_hidden()
        expect(page.get_by_role("button", name="Search")).to_be_visible()
