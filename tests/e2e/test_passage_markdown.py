"""A passage with inline Markdown reads as text on the reader's page: emphasis, code and links
rendered, no `*`, backtick or `[text](url)` marks left, and a `javascript:` link in an article
neither becomes a link nor runs. Both render paths are tried: the server's template (no
JavaScript) and the reader interface (<footnote-search>)
re-rendering from /search JSON."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.browser import LIVE_WAIT_MS, reading
from tests.e2e.conftest import LiveServer

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # reported by the `chromium` fixture, before any test runs
    pass

pytestmark = pytest.mark.integration

QUERY = "wombatflux marmotize"
# A JSON Lines record keeps its inline Markdown as written (a folder's Markdown is cleaned to
# plain words on the way in, by indexer.ingest.clean); this test is about rendering it.
ARTICLE = json.dumps(
    {
        "id": "wombatflux-notes",
        "title": "Wombatflux notes",
        "url": "https://ledger.example.com/wombatflux-notes/",
        "published": "2024-06-02",
        "body": "## Marmotize safely\n\n"
        "Wombatflux jobs *marmotize twice* when `acks_late=True` is set; see\n"
        "[the wombatflux guide](https://ledger.example.com/guides/wombatflux/) and never\n"
        "[click here](javascript:window.__pwned=1) or run `<script>window.__pwned=1</script>`.\n",
    }
)


@pytest.fixture(scope="module")
def with_markdown(live_server: LiveServer) -> LiveServer:
    # Indexed with the rest of the folder; its made-up words match no other test's query.
    (live_server.articles / "wombatflux-notes.jsonl").write_text(ARTICLE + "\n", encoding="utf-8")
    indexed = live_server.footnote("index", str(live_server.articles))
    assert indexed.returncode == 0, indexed.stderr
    return live_server


def assert_rendered(page: Page) -> None:
    passage = page.locator("#results .passage").first
    expect(passage).to_contain_text("Wombatflux jobs marmotize twice when acks_late=True is set")
    expect(passage.locator("em").first).to_have_text("marmotize twice")
    expect(passage.locator("code").first).to_have_text("acks_late=True")
    expect(passage.locator("code").nth(1)).to_have_text("<script>window.__pwned=1</script>")
    guide = passage.locator("a", has_text="the wombatflux guide")
    expect(guide).to_have_attribute("href", "https://ledger.example.com/guides/wombatflux/")
    shown = passage.inner_text()
    assert not re.search(r"[*`]|\]\(", shown), shown
    # The hostile link is plain text: nothing to click, nothing run.
    expect(passage.locator("a")).to_have_count(1)
    expect(passage.locator("script")).to_have_count(0)
    passage.get_by_text("click here").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_a_passage_renders_its_markdown_on_the_server_page(
    chromium: Browser, with_markdown: LiveServer
) -> None:
    with reading(chromium, java_script_enabled=False) as page:
        page.goto(f"{with_markdown.url}/?q={QUERY.replace(' ', '+')}&mode=bm25")
        assert_rendered(page)


def test_a_passage_renders_its_markdown_when_the_component_renders_results(
    chromium: Browser, with_markdown: LiveServer
) -> None:
    with reading(chromium) as page:
        page.goto(f"{with_markdown.url}/?mode=bm25")
        page.locator("#q").press_sequentially(QUERY, delay=20)
        count = page.locator("#result-count")
        expect(count).to_have_text(re.compile(r"^\d+ results? for"), timeout=LIVE_WAIT_MS)
        assert_rendered(page)
