"""Small pieces shared by the pure-ASGI middleware (cheaper than BaseHTTPMiddleware, which
runs every request through an extra task and memory stream)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import Message, Send


def on_response_start(send: Send, seen: Callable[[Message], None]) -> Send:
    """`send`, calling `seen` with the response-start message (headers still editable) first."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            seen(message)
        await send(message)

    return wrapped
