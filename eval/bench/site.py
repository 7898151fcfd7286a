"""A small publication's website on 127.0.0.1, changed by its caller while it serves: pages
published, edited, unpublished, broken, slowed or redirected, with an RSS feed and a sitemap
that follow. The sync benchmark polls it; the sync tests do too.

Pages, the feed and the sitemap carry an ETag and answer a matching If-None-Match with 304.
Every request is logged with its headers, and the most requests it ever served at once is
kept, so a test can see what a client sent and how many it sent together."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class SitePage:
    slug: str
    title: str
    body: str
    modified: datetime
    status: int = 200
    delay_s: float = 0.0
    listed: bool = True


@dataclass(frozen=True)
class SiteRequest:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    host: str = "127.0.0.1"
    port: int = 0
    pages: dict[str, SitePage] = field(default_factory=dict)
    robots: str | None = None
    redirects: dict[str, str] = field(default_factory=dict)
    requests: list[SiteRequest] = field(default_factory=list)
    most_at_once: int = 0
    _busy: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def page_url(self, slug: str) -> str:
        return f"{self.url}/posts/{slug}.html"

    # --- what an editor does ------------------------------------------------------------

    def publish(self, slug: str, title: str, body: str) -> str:
        with self._lock:
            self.pages[slug] = SitePage(slug, title, body, _now())
        return self.page_url(slug)

    def edit(self, slug: str, body: str) -> None:
        with self._lock:
            page = self.pages[slug]
            page.body, page.modified = body, _now()

    def unpublish(self, slug: str, status: int = 404) -> None:
        """The page answers `status` and leaves the feed and the sitemap."""
        with self._lock:
            page = self.pages[slug]
            page.status, page.listed = status, False

    def break_page(self, slug: str, status: int = 500) -> None:
        """The page answers `status` but stays listed, with a fresh date."""
        with self._lock:
            page = self.pages[slug]
            page.status, page.modified = status, _now()

    def slow_page(self, slug: str, seconds: float) -> None:
        with self._lock:
            page = self.pages[slug]
            page.delay_s, page.modified = seconds, _now()

    def requested(self, path: str) -> list[SiteRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    # --- what it serves -----------------------------------------------------------------

    def feed_xml(self) -> str:
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{self.page_url(p.slug)}</link>"
            f"<guid>{self.page_url(p.slug)}</guid>"
            f"<pubDate>{format_datetime(p.modified)}</pubDate>"
            f"<content:encoded>{escape(_article_html(p))}</content:encoded></item>"
            for p in self._listed()
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Local site</title><link>{self.url}/</link>{items}</channel></rss>"
        )

    def sitemap_xml(self) -> str:
        urls = "".join(
            f"<url><loc>{self.page_url(p.slug)}</loc>"
            f"<lastmod>{p.modified.isoformat()}</lastmod></url>"
            for p in self._listed()
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )

    def page_html(self, page: SitePage) -> str:
        return (
            f"<!doctype html><html><head><title>{escape(page.title)}</title>"
            f'<link rel="canonical" href="{self.page_url(page.slug)}"></head>'
            f"<body><nav>Home</nav>{_article_html(page)}</body></html>"
        )

    def _listed(self) -> list[SitePage]:
        with self._lock:
            return [page for page in self.pages.values() if page.listed]

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) for GET `path`; sleeps first for a slowed page."""
        with self._lock:
            self.requests.append(SiteRequest(path, headers, time.monotonic()))
            redirect = self.redirects.get(path)
            page = next((p for p in self.pages.values() if path == f"/posts/{p.slug}.html"), None)
        if redirect is not None:
            return 302, {"Location": redirect}, ""
        if path == "/robots.txt":
            return (404, {}, "") if self.robots is None else (200, _TEXT, self.robots)
        if path == "/feed.xml":
            return _conditional(headers, self.feed_xml(), "application/rss+xml")
        if path == "/sitemap.xml":
            return _conditional(headers, self.sitemap_xml(), "application/xml")
        if page is None:
            return 404, {}, "not found"
        if page.delay_s:
            time.sleep(page.delay_s)
        if page.status != 200:
            return page.status, {}, f"status {page.status}"
        return _conditional(headers, self.page_html(page), "text/html; charset=utf-8")

    @contextmanager
    def serving(self) -> Iterator[Site]:
        """Serve on a free port of `host` until the block ends."""
        server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()

    def enter(self) -> None:
        with self._lock:
            self._busy += 1
            self.most_at_once = max(self.most_at_once, self._busy)

    def leave(self) -> None:
        with self._lock:
            self._busy -= 1


_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def _now() -> datetime:
    return datetime.now(UTC)


def _article_html(page: SitePage) -> str:
    paragraphs = "".join(f"<p>{escape(part)}</p>" for part in page.body.split("\n\n"))
    return (
        f"<article><h1>{escape(page.title)}</h1>"
        f'<time datetime="{page.modified.date().isoformat()}">{page.modified.date()}</time>'
        f"{paragraphs}</article>"
    )


def _conditional(
    headers: dict[str, str], body: str, content_type: str
) -> tuple[int, dict[str, str], str]:
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
    if headers.get("if-none-match") == etag:
        return 304, {"ETag": etag}, ""
    return 200, {"ETag": etag, "Content-Type": content_type}, body


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.enter()
            try:
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, body = site.answer(self.path, headers)
                data = body.encode("utf-8")
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a client that timed out and left: what a slow page is for
            finally:
                site.leave()

        def log_message(self, format: str, *args: object) -> None:
            pass  # the site keeps its own log: `Site.requests`

    return Handler
