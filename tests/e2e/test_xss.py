"""An article written to attack the reader's page: its markup must show as text, run nothing,
and the page must be served with a Content-Security-Policy. Both render paths are tried: the
server's template (no JavaScript) and the reader interface (<footnote-search>)
re-rendering from /search JSON."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.browser import LIVE_WAIT_MS, reading
from tests.e2e.live_server import LiveServer

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # reported by the `chromium` fixture, before any test runs
    pass

pytestmark = pytest.mark.integration

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
TITLE = f'Zorbleflux {SCRIPT} {IMG} it\'s "quoted"'
HEADING = f"Quokka {IMG}"
BREAKOUT = "\"'><img src=x onerror=window.__pwned=1>"
# Sent as a JSON Lines record, which keeps its Markdown and markup as written: a folder's
# Markdown is cleaned of HTML on the way in (indexer.ingest.clean), and this test is about what
# the page does with markup that reaches it.
ARTICLE = json.dumps(
    {
        "id": "zorbleflux-probe",
        "title": TITLE,
        "published": "2024-06-01",
        "body": f"## {HEADING}\n\nZorbleflux quokka notes {SCRIPT} then an attribute breakout "
        f"{BREAKOUT} and more text.\n",
    }
)


@pytest.fixture(scope="module")
def hostile(live_server: LiveServer) -> LiveServer:
    # Indexed with the rest of the folder (`index` makes the index match it); left in place
    # afterwards, as its made-up words match no other test's query.
    (live_server.articles / "zorbleflux-probe.jsonl").write_text(ARTICLE + "\n", encoding="utf-8")
    indexed = live_server.footnote("index", str(live_server.articles))
    assert indexed.returncode == 0, indexed.stderr
    return live_server


def assert_rendered_as_text(page: Page) -> None:
    results = page.locator("#results")
    expect(results.locator(".result-title").first).to_have_text(TITLE)
    # A heading's inline markup is dropped when sections are read (its anchor and label are
    # text); either way it must never become an element.
    expect(results.locator(".passage-link").first).to_contain_text("Quokka")
    expect(results.locator(".passage").first).to_contain_text(SCRIPT)
    expect(results.locator(".passage").first).to_contain_text(BREAKOUT)
    expect(results.locator("img")).to_have_count(0)
    expect(results.locator("script")).to_have_count(0)
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_markup_in_an_article_renders_as_text_on_the_server_page(
    chromium: Browser, hostile: LiveServer
) -> None:
    with reading(chromium, java_script_enabled=False) as page:
        response = page.goto(f"{hostile.url}/?q=zorbleflux+quokka&mode=bm25")
        assert response is not None
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert_rendered_as_text(page)


def test_markup_in_an_article_renders_as_text_when_the_component_renders_results(
    chromium: Browser, hostile: LiveServer
) -> None:
    with reading(chromium) as page:
        violations: list[str] = []
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
        )
        page.goto(f"{hostile.url}/?mode=bm25")
        page.locator("#q").press_sequentially("zorbleflux quokka", delay=20)
        count = page.locator("#result-count")
        expect(count).to_have_text(re.compile(r"^\d+ results? for"), timeout=LIVE_WAIT_MS)
        assert_rendered_as_text(page)
        # The component itself runs under the policy: nothing of ours was blocked.
        assert violations == []
