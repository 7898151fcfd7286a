"""Limits on what one request may carry: body bytes (413) and filter values (422)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.errors import InvalidQuery
from search_api.deps import ServicesDep
from search_api.errors import error_response

FILTER_FIELDS = ("author", "since", "until")


class PayloadTooLarge(HTTPException):
    """An HTTPException so FastAPI passes it through body reading untouched (anything else
    raised there becomes a 400); its own handler gives it the API's error shape."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


async def payload_too_large(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PayloadTooLarge)
    return error_response(413, "payload_too_large", str(exc.detail))


class BodySizeLimitMiddleware:
    """Refuses a declared Content-Length over the limit before reading anything, and stops
    reading a body (chunked, or lying about its length) as soon as it passes the limit.

    Starlette's own RequestBodyLimitMiddleware answers in plain text; this one keeps the API's
    JSON error shape and says what the limit is."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"the request body is over the limit of {self.max_bytes} bytes"
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(413, "payload_too_large", detail)(scope, receive, send)
            return
        received = 0
        refused = False  # the body passed the limit: whatever the app answers becomes a 413
        replaced = started = False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                refused = True
                raise PayloadTooLarge(detail)
            return message

        async def send_or_refuse(message: Message) -> None:
            # Layers between here and the route (BaseHTTPMiddleware's task groups, FastAPI's
            # body parsing) may turn the exception into a 400 or a 500: answer 413 instead.
            nonlocal replaced, started
            if not refused or started:
                started = started or message["type"] == "http.response.start"
                await send(message)
            elif not replaced:
                replaced = True
                await error_response(413, "payload_too_large", detail)(scope, receive, send)

        try:
            await self.app(scope, counted, send_or_refuse)
        except Exception:
            if not refused or started:
                raise
            if not replaced:
                await error_response(413, "payload_too_large", detail)(scope, receive, send)


async def limit_filters(request: Request, services: ServicesDep) -> None:
    """At most `max_filters` filter values in one search or question (tags count one each)."""
    limit = services.settings.max_filters
    params = request.query_params
    count = len(params.getlist("tag")) + sum(1 for name in FILTER_FIELDS if params.get(name))
    if request.method == "POST" and "json" in request.headers.get("content-type", ""):
        body = await request.json()  # already parsed and cached by FastAPI: no second read
        count += _count_body_filters(body.get("filters") if isinstance(body, dict) else None)
    if count > limit:
        raise InvalidQuery(f"too many filter values ({count}): the limit is {limit}")


def _count_body_filters(filters: Any) -> int:
    if not isinstance(filters, dict):
        return 0
    tags = filters.get("tags")
    count = len(tags) if isinstance(tags, list) else 0
    return count + sum(1 for name in FILTER_FIELDS if filters.get(name))
