"""The Ask panel in headless Chromium: a question answered by the embedded worker, with
citations that open their passages, an answer and quote whose Markdown reads as text (code,
emphasis, links) while an article's markup runs nothing, and an honest abstention for what the
articles don't cover.

Reuses the browser set-up of test_search_page.py (same Chromium, same skip-or-fail rule).
"""

from __future__ import annotations

import json
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
PWN = "window.__pwned=1"
# A JSON Lines record keeps its Markdown and markup as written (a folder's Markdown is cleaned
# on the way in); its made-up words match no other test's query.
MARKDOWN_ARTICLE = json.dumps(
    {
        "id": "quibblenook-hush",
        "title": "Quibblenook hush",
        "url": "https://ledger.example.com/articles/quibblenook-hush/",
        "published": "2024-06-03",
        "body": "## Quiet quibblenook logs\n\n"
        "To keep quibblenook logs quiet, set `hushplume_level = 0` in the *quibblenook* "
        f'settings, which also hides <img src=x onerror="{PWN}"> and <script>{PWN}</script> '
        "noise; read [the hushplume guide](../hushplume-guide/) and never "
        f"[click here](javascript:{PWN}).\n",
    }
)
MARKDOWN_QUESTION = "how do I keep quibblenook logs quiet with hushplume"


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


@pytest.fixture(scope="module")
def with_markdown(live_server: LiveServer) -> LiveServer:
    (live_server.articles / "quibblenook-hush.jsonl").write_text(
        MARKDOWN_ARTICLE + "\n", encoding="utf-8"
    )
    indexed = live_server.footnote("index", str(live_server.articles))
    assert indexed.returncode == 0, indexed.stderr
    return live_server


def test_an_answer_and_its_quote_render_markdown_and_an_articles_markup_runs_nothing(
    chromium: Browser, with_markdown: LiveServer
) -> None:
    with reading(chromium) as page:
        page.goto(with_markdown.url)
        page.get_by_role("searchbox", name="Search the articles").fill(MARKDOWN_QUESTION)
        page.get_by_role("button", name="Ask", exact=True).click()

        _wait_for_the_answer(page)
        panel = page.locator("#answer-panel")
        answer = page.locator("#answer-text")
        expect(answer).to_contain_text("set hushplume_level = 0 in the quibblenook settings")
        expect(answer.locator("code").first).to_have_text("hushplume_level = 0")
        expect(answer.locator("em").first).to_have_text("quibblenook")
        guide = answer.locator("a", has_text="the hushplume guide")
        expect(guide).to_have_attribute(
            "href", "https://ledger.example.com/articles/hushplume-guide/"
        )
        expect(answer).to_contain_text(f'<img src=x onerror="{PWN}">')
        shown = answer.inner_text()
        assert not re.search(r"[*`]|\]\(", shown), shown
        expect(answer.locator("a")).to_have_count(1)  # the javascript: link is text
        answer.get_by_text("click here").click()

        marker = answer.locator("button.cite").first
        expect(marker).to_have_text(re.compile(r"^\[\d+\]$"))
        marker.click()
        quote = page.locator(f"#{marker.get_attribute('aria-controls')} .cite-passage")
        expect(quote).to_be_visible()
        expect(quote.locator("code").first).to_have_text("hushplume_level = 0")
        expect(quote).to_contain_text(f"<script>{PWN}</script>")
        assert "`" not in quote.inner_text()
        quote.get_by_text("click here").click()

        expect(panel.locator("img")).to_have_count(0)
        expect(panel.locator("script")).to_have_count(0)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "ask-panel-markdown.png")


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
