"""Log lines for the API and the workers: JSON (one object a line) or text, each carrying the
id of the request it serves, with bearer tokens blanked out.

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

_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s'\",;]+")
_FIELDS = ["levelname", "name", "message", "request_id"]
_TEXT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"


@contextmanager
def bound_request_id(value: str | None) -> Iterator[None]:
    token = request_id.set(value)
    try:
        yield
    finally:
        request_id.reset(token)


class RequestContext(logging.Filter):
    """Adds `request_id` to every record and blanks bearer tokens out of its message.

    Installed on the handler, not on a logger, so records propagated from any library pass it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = record.getMessage()
        if "earer" in message:  # cheap test first: almost no line mentions a token
            record.msg, record.args = _BEARER.sub(r"\1[redacted]", message), None
        return True


class AccessFields(logging.Filter):
    """Uvicorn's access line as fields too (it logs them as positional args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            record.client, record.method, record.path, _, record.status = args
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


def logging_config(log_format: LogFormat = "json", level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the whole process, uvicorn's loggers included."""
    quiet = {"level": level, "handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"access": {"()": "indexer.bootstrap.log_setup.AccessFields"}},
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


def configure_logging(log_format: LogFormat = "json", level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(log_format, level))
