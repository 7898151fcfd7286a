"""Headless Chromium for the e2e tests: Debian's browser driven by Playwright's Python package
(Playwright's own browser download is never needed). Without either, the tests skip, or fail
when CI is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import Browser, Page, Route, sync_playwright
except ImportError as exc:  # reported by the `chromium` fixture, before any test runs
    PLAYWRIGHT_MISSING: str | None = f"the playwright package is not installed ({exc})"
else:
    PLAYWRIGHT_MISSING = None

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


def browser_problem() -> str | None:
    if PLAYWRIGHT_MISSING:
        return f"{PLAYWRIGHT_MISSING}; install the dev extra: pip install -e '.[dev]'"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}; install it with: apt-get install -y chromium"
    return None


def launch_chromium() -> Iterator[Browser]:
    """Yields a running browser; skips or fails (under CI) when it cannot start."""
    problem = browser_problem()
    if problem and os.environ.get("CI"):
        pytest.fail(f"the e2e browser tests cannot run: {problem}", pytrace=False)
    if problem:
        pytest.skip(problem)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def reading(chromium: Browser, **options: Any) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1100, "height": 1000}, **options)
    try:
        page = context.new_page()
        page.route(ARTICLE_SITE, serve_article_stub)
        yield page
    finally:
        context.close()


def serve_article_stub(route: Route) -> None:
    route.fulfill(
        status=200,
        content_type="text/html; charset=utf-8",
        body="<!doctype html><title>Article</title><h1>Article stub</h1>",
    )
