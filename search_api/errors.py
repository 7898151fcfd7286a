"""One table from the core's errors to HTTP responses, and the handlers that apply it."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from indexer.answering.errors import LLMBadOutput, LLMRejected, LLMUnavailable
from indexer.errors import (
    CorruptSnapshot,
    FootnoteError,
    IndexBusy,
    IndexMismatch,
    IndexNotReady,
    InvalidArticle,
    InvalidQuery,
    NotFound,
    TransientError,
)

log = logging.getLogger(__name__)

# Most specific first: the first matching class decides.
STATUS: list[tuple[type[FootnoteError], int, str]] = [
    (LLMRejected, 502, "llm_rejected"),
    (LLMBadOutput, 502, "llm_bad_output"),
    (LLMUnavailable, 503, "llm_unavailable"),
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


def status_for(exc: FootnoteError) -> tuple[int, str]:
    return next((status, kind) for cls, status, kind in STATUS if isinstance(exc, cls))


def error_response(status: int, kind: str, detail: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": kind, "detail": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FootnoteError)
    async def footnote_error(_: Request, exc: FootnoteError) -> JSONResponse:
        status, kind = status_for(exc)
        if status >= 500:
            log.error("request failed: %s", exc)
        headers = {"Retry-After": "5"} if status == 503 else {}
        return error_response(status, kind, str(exc), **headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "query")
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        return error_response(422, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
        kind = kinds.get(exc.status_code, "http_error")
        return error_response(exc.status_code, kind, str(exc.detail), **(exc.headers or {}))
