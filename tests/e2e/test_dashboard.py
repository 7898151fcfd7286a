"""The editors' dashboard in a real browser, against `footnote serve` with an editor token, a
folder sync source and analytics on: sign in, the index and sources, a re-index watched to the
end, content gaps after unanswerable questions, and a wrong token."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from indexer.adapters.sqlite_analytics import SqliteSearchLog
from tests.builders import sections, write_article
from tests.e2e.browser import ARTIFACTS, LIVE_WAIT_MS, reading
from tests.e2e.live_server import LiveServer, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.integration

TOKEN = "editor-token-for-the-dashboard-test"
SOURCE = "newsroom folder"
# Nothing in the sample is about these; two wordings of one topic and one other topic.
UNANSWERABLE = (
    "what is the recipe for sourdough bread",
    "how do I bake sourdough bread at home",
    "who won the 1966 football world cup",
)


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    sources = [{"kind": "folder", "path": "{articles}", "every_s": 3600, "name": SOURCE}]
    env = {
        "FOOTNOTE_EDITOR_TOKEN": TOKEN,
        "FOOTNOTE_SOURCE_DIR": "{articles}",
        "FOOTNOTE_SYNC_SOURCES": json.dumps(sources),
    }
    with serving(tmp_path_factory.mktemp("dashboard"), env) as server:
        yield server


def ask(server: LiveServer, question: str) -> None:
    """A reader's question, answered (or declined) by the embedded worker."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        accepted = client.post("/ask", json={"question": question})
        assert accepted.status_code == 202, accepted.text
        deadline = time.monotonic() + 120
        while (job := client.get(accepted.json()["status_url"]).json())["state"] != "succeeded":
            assert job["state"] in ("queued", "running") and time.monotonic() < deadline, job
            time.sleep(0.2)


def sign_in(page: Page, server: LiveServer, token: str) -> None:
    page.goto(f"{server.url}/admin")
    page.fill("#token", token)
    page.click("#sign-in button[type=submit]")


def test_an_editor_sees_the_index_sources_a_reindex_and_the_gaps_readers_hit(
    chromium: Browser, editor_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    for question in UNANSWERABLE:
        ask(editor_server, question)
    synced = editor_server.footnote("sync")
    assert synced.returncode == 0, synced.stderr
    with reading(chromium) as page:
        sign_in(page, editor_server, TOKEN)
        expect(page.locator("#dashboard")).to_be_visible(timeout=LIVE_WAIT_MS)
        expect(page.locator("#error")).to_be_hidden()
        index = page.locator("#index")
        expect(index.locator("dt", has_text="Generation")).to_be_visible()
        articles = index.locator("dt:has-text('Articles') + dd")
        expect(articles).to_have_text(str(len(list(editor_server.articles.glob("*.md")))))
        source = page.locator("#sources tbody tr", has_text=SOURCE)
        expect(source.locator("td")).to_have_count(4)
        expect(source.locator("td").nth(3)).to_have_text("ok")
        assert "Invalid" not in source.inner_text() and "never" not in source.inner_text()

        generation = index.locator("dt:has-text('Generation') + dd").inner_text()
        # Something new to index, so the re-index has work whose progress can be watched.
        write_article(editor_server.articles, "dashboard-news", sections("Launch", "Roadmap"))
        page.click("#reindex")
        reindex = page.locator("#jobs tr.job-reindex").first
        expect(reindex).to_be_visible(timeout=LIVE_WAIT_MS)
        expect(reindex).to_have_attribute("data-state", "succeeded", timeout=120_000)
        bar = reindex.locator("progress")
        total = bar.get_attribute("max")
        assert total is not None and int(total) > 0
        assert bar.get_attribute("value") == total
        expect(page.locator("#failures li")).to_have_text(["No failures"])
        expect(articles).to_have_text(str(len(list(editor_server.articles.glob("*.md")))))
        expect(index.locator("dt:has-text('Generation') + dd")).not_to_have_text(generation)

        gaps = page.locator("#gaps li")
        expect(gaps.first).to_contain_text("sourdough", timeout=LIVE_WAIT_MS)
        expect(gaps.first).to_contain_text("(2)")
        expect(gaps).to_have_count(2)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)


def test_a_wrong_token_shows_an_error_and_no_data(
    chromium: Browser, editor_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    with reading(chromium) as page:
        sign_in(page, editor_server, "not-the-token")
        expect(page.locator("#error")).to_contain_text("not valid", timeout=LIVE_WAIT_MS)
        expect(page.locator("#dashboard")).to_be_hidden()
        assert page.locator("#index dd").count() == 0
        assert page.locator("#gaps li").count() == 0
        assert page.evaluate("sessionStorage.length") == 0


def test_the_reader_page_counts_the_search_settled_on_not_each_keystroke(
    chromium: Browser, editor_server: LiveServer
) -> None:
    from playwright.sync_api import expect

    log = SqliteSearchLog(editor_server.data_dir / "analytics.sqlite")
    before = len(log.queries(0))
    with reading(chromium) as page:
        page.goto(editor_server.url)
        # Slower than the debounce, so each few letters is a search of its own.
        page.locator("#q").press_sequentially("redis caching", delay=300)
        expect(page.locator("#results li.result").first).to_be_visible(timeout=LIVE_WAIT_MS)
        deadline = time.monotonic() + 15
        while len(log.queries(0)) == before and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(2)  # nothing else may arrive
    assert [q.text for q in log.queries(0)[before:]] == ["redis caching"]
