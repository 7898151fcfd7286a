"""Log lines for the API and the workers: JSON (one object a line) or text, each carrying the
id of the request it serves, with bearer tokens and secret-looking query parameters blanked out.

Entry points call `configure_logging(settings.log_format)`; uvicorn gets `logging_config(...)`
as its `log_config`, a plain dict, so processes it spawns (`--workers N`) set up the same way.
"""

from __future__ import annotations

import logging
import logging.config
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any, Literal

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["json", "text"]

# Set by the API's request-id middleware and by the worker around each job; a ContextVar, so
# concurrent requests (tasks, threads started with a copied context) never see each other's.
request_id: ContextVar[str | None] = ContextVar("footnote_request_id", default=None)

# `Bearer TOKEN` as a header writes it, and as a query string does (`Bearer%20TOKEN`, `Bearer+`).
_BEARER = re.compile(r"(?i)\b(bearer(?:\s+|%20|\+))[^\s'\",;&]+")
# A query parameter whose name says it holds a secret: `?token=`, `&api_key=`, `?password=`...
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:[\w.-]*(?:token|secret|passw(?:or)?d|api[_-]?key|authori[sz]ation|credential"
    r"|signature|session)[\w.-]*|key|auth|sig|pwd)=)[^&\s#'\"]*"
)
REDACTED = "[redacted]"
_FIELDS = ["levelname", "name", "message", "request_id"]
_TEXT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"


@contextmanager
def bound_request_id(value: str | None) -> Iterator[None]:
    token = request_id.set(value)
    try:
        yield
    finally:
        request_id.reset(token)


def redacted(text: str) -> str:
    """`text` with bearer tokens and the values of secret-looking query parameters blanked."""
    # Cheap tests first: most lines hold neither a token nor a query string.
    if "earer" in text or "EARER" in text:
        text = _BEARER.sub(rf"\1{REDACTED}", text)
    if "=" in text:
        text = _SECRET_PARAM.sub(rf"\1{REDACTED}", text)
    return text


class RequestContext(logging.Filter):
    """Adds `request_id` to every record and blanks secrets out of its message.

    Installed on the handler, not on a logger, so records propagated from any library pass it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = record.getMessage()
        cleaned = redacted(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class AccessFields(logging.Filter):
    """Uvicorn's access line as fields too (it logs them as positional args), its path without
    the query string unless `log_queries`: a log of every reader's search terms next to their
    address is a search history nobody asked us to keep. Kept queries are redacted."""

    def __init__(self, log_queries: bool = False) -> None:
        super().__init__()
        self.log_queries = log_queries

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, path, version, status = args
            path = redacted(str(path)) if self.log_queries else str(path).partition("?")[0]
            record.args = (client, method, path, version, status)
            record.client, record.method, record.path, record.status = client, method, path, status
        return True


def make_handler(log_format: LogFormat = "json", stream: IO[str] | None = None) -> logging.Handler:
    """The one handler every process logs through (stderr unless `stream` is given)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                _FIELDS,
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",  # ISO 8601 in UTC
                # Uvicorn attaches a coloured copy of each message; one copy is enough.
                reserved_attrs=[*RESERVED_ATTRS, "color_message"],
            )
        )
    else:
        handler.setFormatter(logging.Formatter(_TEXT))
    handler.addFilter(RequestContext())
    return handler


def logging_config(
    log_format: LogFormat = "json", level: str = "INFO", log_queries: bool = False
) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the whole process, uvicorn's loggers included."""
    quiet = {"level": level, "handlers": [], "propagate": True}
    access = {"()": "indexer.bootstrap.log_setup.AccessFields", "log_queries": log_queries}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"access": access},
        "handlers": {
            "main": {"()": "indexer.bootstrap.log_setup.make_handler", "log_format": log_format}
        },
        "root": {"level": level, "handlers": ["main"]},
        "loggers": {
            # Uvicorn's own handlers would print a second, unstructured copy of each line.
            "uvicorn": quiet,
            "uvicorn.error": quiet,
            "uvicorn.access": {**quiet, "filters": ["access"]},
            # A line per request would drown a sync poll's one summary line.
            "httpx": {"level": "WARNING"},
        },
    }


def configure_logging(
    log_format: LogFormat = "json", level: str = "INFO", log_queries: bool = False
) -> None:
    logging.config.dictConfig(logging_config(log_format, level, log_queries))
