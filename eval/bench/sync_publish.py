"""Publish to searchable by sync: a page published on a website until a reader's search finds
it, with nobody acting. The worker's Celery beat polls the site's sitemap (`EVERY_S`), so the
time is the wait for the next tick plus one poll: the sitemap, the page, the commit.

Each page carries a word no article contains, and the clock runs from the moment the page is
on the site until `/search` (BM25) ranks it first for that word.
"""

from __future__ import annotations

import json
import secrets
import time

import httpx

from eval.bench.site import Site
from eval.bench.stack import Stack

EVERY_S = 1
POLL_S = 0.05
TIMEOUT_S = 120.0


def sync_env(site: Site) -> dict[str, str]:
    """The served processes' setting: follow the site's sitemap every EVERY_S seconds."""
    source = {
        "kind": "sitemap",
        "url": f"{site.url}/sitemap.xml",
        "every_s": EVERY_S,
        "allow_private": True,  # the site is on loopback
    }
    return {"FOOTNOTE_SYNC_SOURCES": json.dumps([source])}


def publish_to_searchable(stack: Stack, site: Site, number: int) -> float:
    word = "zs" + secrets.token_hex(5).translate(str.maketrans("0123456789", "ghijklmnop"))
    slug = f"synced-{number}"
    with httpx.Client(base_url=stack.url, timeout=60) as client:
        started = time.perf_counter()
        site.publish(slug, f"Synced page {number}", f"A page published on the site: {word}.")
        while time.perf_counter() - started < TIMEOUT_S:
            page = client.get("/search", params={"q": word, "mode": "bm25", "k": 1})
            results = page.json().get("results", []) if page.status_code == 200 else []
            if results and results[0]["article_id"] == slug:
                return time.perf_counter() - started
            time.sleep(POLL_S)
    raise RuntimeError(
        f"{slug} was not searchable {TIMEOUT_S:.0f} s after it was published:\n" + stack.log_tail()
    )


def sync_rounds(stack: Stack, site: Site, publishes: int) -> list[float]:
    """One untimed page (the first poll meets a cold fetcher), then `publishes` timed ones."""
    publish_to_searchable(stack, site, 0)
    return [publish_to_searchable(stack, site, i + 1) for i in range(publishes)]
