"""Two sites for the widget's browser tests: `footnote serve` allowing one origin by CORS, a
static blog on that origin embedding the widget, and the same blog on an origin it does not
allow. The blog is served with a strict CSP (no inline script or style) naming the API alone."""

from __future__ import annotations

import json
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from tasks.processes import spawn, stop, wait_until_up
from tests.builders import EXAMPLES, ROOT
from tests.e2e.live_server import LiveServer, server_env
from tests.services import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Page

HOSTILE_TITLE = "Zorbleflux <script>window.__pwned=1</script> <img src=x onerror=window.__pwned=1>"
# A JSON Lines record keeps its markup as written (a folder's Markdown is cleaned of HTML on the
# way in): the widget must show it as text and run none of it.
HOSTILE = json.dumps(
    {
        "id": "zorbleflux-widget-probe",
        "title": HOSTILE_TITLE,
        "published": "2024-06-01",
        "body": '## Quokka <img src=x onerror="window.__pwned=1">\n\n'
        "Zorbleflux quokka notes <script>window.__pwned=1</script> and "
        "\"'><svg onload=window.__pwned=1>.\n",
    }
)
BLOG = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A blog</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="blog.css">
<script type="module" src="{api}/embed.js"></script></head>
<body><header><h1>A blog about backends</h1>
<footnote-search placeholder="Search the Ledger"></footnote-search></header>
<main><p>An article about queues, with a <a href="#more">link</a> to read on.</p></main>
</body></html>
"""
# The element focused inside the widget (the page's activeElement is the element itself).
FOCUSED = "document.querySelector('footnote-search').shadowRoot.activeElement"
CSS = "body { font: 16px/1.5 Georgia, serif; margin: 2rem; } header { display: flex; gap: 2rem; }"


@dataclass(frozen=True)
class Sites:
    api: LiveServer
    blog: str  # on the allow-list
    stranger: str  # not on it


def host_policy(api: str) -> str:
    return f"default-src 'self'; script-src 'self' {api}; connect-src {api}; style-src 'self'"


def serve_site(folder: Path, policy: str) -> tuple[ThreadingHTTPServer, str]:
    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def widget_sites(root: Path) -> Iterator[Sites]:
    articles = root / "articles"
    shutil.copytree(EXAMPLES / "articles", articles)
    (articles / "zorbleflux-widget-probe.jsonl").write_text(HOSTILE + "\n", encoding="utf-8")
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    blog_folder = root / "blog"
    blog_folder.mkdir()
    (blog_folder / "index.html").write_text(BLOG.format(api=api), encoding="utf-8")
    (blog_folder / "blog.css").write_text(CSS, encoding="utf-8")
    blog, blog_url = serve_site(blog_folder, host_policy(api))
    stranger, stranger_url = serve_site(blog_folder, host_policy(api))

    server = LiveServer("", root / "data", articles)
    indexed = server.footnote("index", str(articles))
    assert indexed.returncode == 0, indexed.stderr
    env = {**server_env(), "FOOTNOTE_CORS_ORIGINS": json.dumps([blog_url])}
    log = root / "server.log"
    command = [sys.executable, "-m", "footnote.cli", "serve", "--port", str(port)]
    process = spawn([*command, "--data-dir", str(server.data_dir)], env, log, ROOT)
    try:
        wait_until_up(api, "/readyz", [process], [log], timeout_s=120)
        yield Sites(LiveServer(api, server.data_dir, articles), blog_url, stranger_url)
    finally:
        stop(process, timeout_s=20)
        for site in (blog, stranger):
            site.shutdown()
            site.server_close()


def open_blog(page: Page, url: str) -> list[str]:
    """Loads the blog; returns the console's CSP complaints as they come."""
    complaints: list[str] = []
    page.on("console", lambda m: complaints.append(m.text) if "Content Secur" in m.text else None)
    page.goto(url)
    page.wait_for_function("customElements.get('footnote-search') !== undefined")
    return complaints
