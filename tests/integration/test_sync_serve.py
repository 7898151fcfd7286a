"""Published means searchable with nobody acting: `footnote serve` in embedded mode (its worker
with Celery beat inside, the real model, the SQLite broker) follows a local site's sitemap, and
a page published on the site turns up in /search, and an unpublished one leaves it, each within
a poll or two."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from eval.bench.site import Site
from tasks.processes import log_tails, serve_command, spawn, stop, wait_until_up
from tests.builders import ROOT
from tests.services import free_port

pytestmark = pytest.mark.integration
EVERY_S = 2
# The first poll waits for the worker to load the model; later ones only for the tick.
FIRST_POLL_TIMEOUT_S = 240
POLL_TIMEOUT_S = 60


@dataclass
class Served:
    url: str
    site: Site
    log: Path
    data_dir: Path

    def search(self, word: str) -> list[str]:
        response = httpx.get(f"{self.url}/search", params={"q": word, "mode": "bm25"}, timeout=10)
        if response.status_code == 503:  # no snapshot yet: the first poll has not committed
            return []
        response.raise_for_status()
        return [result["article_id"] for result in response.json()["results"]]

    def wait_until(self, word: str, present: bool, timeout_s: float) -> float:
        """Seconds until a search for `word` finds something (or nothing, `present=False`)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if bool(self.search(word)) == present:
                return time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(
            f"{word!r} {'never appeared' if present else 'never left'} within {timeout_s} s:\n"
            + log_tails([self.log])
        )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with Site().serving() as site:
        site.publish("first-post", "First post", "Lyrebirds imitate chainsaws.")
        source = {
            "kind": "sitemap",
            "url": f"{site.url}/sitemap.xml",
            "every_s": EVERY_S,
            "allow_private": True,
        }
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HF_HUB_OFFLINE": "1",
            "FOOTNOTE_SYNC_SOURCES": json.dumps([source]),
            "FOOTNOTE_WORKER_CONCURRENCY": "1",
            "FOOTNOTE_RATE_LIMIT_SEARCH": "0",
            "FOOTNOTE_LOG_FORMAT": "text",
        }
        env.pop("FOOTNOTE_REDIS_URL", None)
        port, data_dir, log = free_port(), tmp_path / "data", tmp_path / "serve.log"
        server = spawn(serve_command(port, data_dir=data_dir), env, log, ROOT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, "/healthz", [server], [log], timeout_s=120)
            yield Served(url, site, log, data_dir)
        finally:
            stop(server, timeout_s=30)


def test_a_page_published_on_the_site_becomes_searchable_with_nobody_acting(
    served: Served,
) -> None:
    served.wait_until("lyrebirds", present=True, timeout_s=FIRST_POLL_TIMEOUT_S)

    served.site.publish("new-post", "New post", "Cassowaries guard their eggs fiercely.")
    published_s = served.wait_until("cassowaries", present=True, timeout_s=POLL_TIMEOUT_S)
    served.site.unpublish("first-post")
    removed_s = served.wait_until("lyrebirds", present=False, timeout_s=POLL_TIMEOUT_S)

    print(f"publish-to-searchable {published_s:.2f} s, unpublish-to-gone {removed_s:.2f} s")
    assert served.search("cassowaries") == ["new-post"]
    # The beat ticks every EVERY_S / 2; anything near a minute would mean no tick polled.
    assert published_s < 5 * EVERY_S + 10 and removed_s < 5 * EVERY_S + 10
    agents = {r.headers.get("user-agent") for r in served.site.requested("/sitemap.xml")}
    assert agents == {"FootnoteBot/0.1"}
    state = served.data_dir / "sync.sqlite"
    assert state.exists()
