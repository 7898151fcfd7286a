"""One id per request: taken from `X-Request-ID` when it looks like an id, else made up; set on
`request.state`, echoed in the response, bound to every log line, and carried into jobs."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.bootstrap.log_setup import bound_request_id
from search_api.asgi import on_response_start

# The id lands in log lines and job records: only plain characters, so no one can forge lines.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIdMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware) so the id is bound around the whole exchange,
    including uvicorn's access line, which is written when the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        def add_id(message: Message) -> None:
            MutableHeaders(scope=message)["X-Request-ID"] = request_id

        with bound_request_id(request_id):
            await self.app(scope, receive, on_response_start(send, add_id))
