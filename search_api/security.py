"""Response headers that keep the reader's page from being turned against its readers, and the
CORS allow-list (closed unless origins are configured)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.asgi import on_response_start

# The page loads its scripts and style from /static and /embed and never inlines either (the
# reader component builds its DOM node by node, its style is a constructed sheet), so no
# 'unsafe-inline' is needed.
PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# FastAPI's /docs and /redoc pages inline a bootstrap script and load their bundles from a CDN;
# they show no article content, so this looser policy applies to them alone.
_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {_CDN}",
        f"style-src 'self' 'unsafe-inline' {_CDN} https://fonts.googleapis.com",
        "font-src 'self' https://fonts.gstatic.com",
        "img-src 'self' data: https:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
DOCS_PATHS = ("/docs", "/redoc")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Cross-origin (the article links) gets the origin only: never the reader's query.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# What a browser on an allowed origin may send and read; Authorization is not among them, so
# editor endpoints stay out of reach of cross-origin pages even on an allowed origin.
CORS_HEADERS = ["Content-Type", "Idempotency-Key", "Last-Event-ID", "X-Request-ID"]
CORS_EXPOSED = ["Location", "Retry-After", "X-Request-ID", "Idempotent-Replayed"]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope["path"].startswith(DOCS_PATHS) else PAGE_POLICY

        def add_headers(message: Message) -> None:
            headers = MutableHeaders(scope=message)
            headers.setdefault("Content-Security-Policy", policy)
            for name, value in HEADERS.items():
                headers.setdefault(name, value)

        await self.app(scope, receive, on_response_start(send, add_headers))


def cors_options(origins: list[str]) -> dict[str, Any]:
    """Keyword arguments for Starlette's CORSMiddleware: with no origins it adds no headers."""
    return {
        "allow_origins": origins,
        "allow_methods": ["GET", "POST", "DELETE"],
        "allow_headers": CORS_HEADERS,
        "expose_headers": CORS_EXPOSED,
        "max_age": 600,
    }
