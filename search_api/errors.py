"""One table from the core's errors to HTTP responses, and the handlers that apply it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from indexer.errors import (
    CorruptSnapshot,
    FootnoteError,
    IdempotencyKeyReused,
    IndexBusy,
    IndexMismatch,
    IndexNotReady,
    InvalidArticle,
    InvalidQuery,
    LLMBadOutput,
    LLMRejected,
    LLMUnavailable,
    NotFound,
    QueueFull,
    TransientError,
)
from indexer.server_paths import ServerPaths
from indexer.text.unicode import SOMETHING_TO_READ as NOT_BLANK

log = logging.getLogger(__name__)
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

# Most specific first: the first matching class decides.
STATUS: list[tuple[type[FootnoteError], int, str]] = [
    (LLMRejected, 502, "llm_rejected"),
    (LLMBadOutput, 502, "llm_bad_output"),
    (LLMUnavailable, 503, "llm_unavailable"),
    (IdempotencyKeyReused, 422, "idempotency_key_reused"),
    (QueueFull, 503, "queue_full"),
    (InvalidQuery, 422, "invalid_query"),
    (InvalidArticle, 422, "invalid_article"),
    (NotFound, 404, "not_found"),
    (IndexMismatch, 409, "index_mismatch"),
    (IndexNotReady, 503, "index_not_ready"),
    (IndexBusy, 503, "index_busy"),
    (CorruptSnapshot, 503, "corrupt_snapshot"),
    (TransientError, 503, "unavailable"),
    (FootnoteError, 500, "internal"),
]


def public_text(request: Request, text: str) -> str:
    """`text` as an HTTP client may see it: without the server's directories (the log keeps
    them). Every message of ours that a response carries goes through here."""
    paths: ServerPaths | None = getattr(request.app.state, "server_paths", None)
    return paths.hide(text) if paths is not None else text


def status_for(exc: FootnoteError) -> tuple[int, str]:
    return next((status, kind) for cls, status, kind in STATUS if isinstance(exc, cls))


def error_response(status: int, kind: str, detail: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": kind, "detail": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FootnoteError)
    async def footnote_error(request: Request, exc: FootnoteError) -> JSONResponse:
        status, kind = status_for(exc)
        if status >= 500:
            log.error("request failed: %s", exc)
        headers = {"Retry-After": "5"} if status == 503 else {}
        return error_response(status, kind, public_text(request, str(exc)), **headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "query")
            problems.append(f"{where}: {_plain(error)}")
        return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        kind = kinds.get(exc.status_code, "http_error")
        if exc.status_code == 400:
            # FastAPI answers 422 for malformed JSON but 400 for a body it cannot decode at all
            # (not UTF-8): one status for "your body is not valid", the documented one.
            detail = f"the request body cannot be read: {exc.detail}"
            return error_response(422, "invalid_request", detail)
        headers = dict(exc.headers or {})
        allowed = allowed_methods(request) if exc.status_code == 405 else []
        if allowed:
            headers["Allow"] = ", ".join(allowed)
        return error_response(exc.status_code, kind, str(exc.detail), **headers)


def _plain(error: Mapping[str, Any]) -> str:
    """pydantic's message, reworded where it names a rule rather than the reader's mistake."""
    kind, context, given = error.get("type"), error.get("ctx") or {}, error.get("input")
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "is empty"
    if kind == "string_pattern_mismatch" and context.get("pattern") == NOT_BLANK:
        return "is empty: it holds only whitespace, invisible characters or marks"
    if kind == "string_too_long" and isinstance(given, str):
        return f"is {len(given)} characters long; the limit is {context.get('max_length')}"
    return str(error.get("msg", "invalid"))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path. Starlette's own `Allow` names only the
    first route that matched the path, and GET and DELETE /jobs/{id} are two routes."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]
