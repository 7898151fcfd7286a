"""What the logs keep of a request: secrets never, readers' search terms only when asked."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from typing import Any

import pytest

from indexer.bootstrap.log_setup import AccessFields, logging_config, make_handler, redacted


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /search?q=a&token=abc HTTP/1.1", "GET /search?q=a&token=[redacted] HTTP/1.1"),
        ("/x?authorization=Bearer%20abc&q=b", "/x?authorization=[redacted]&q=b"),
        ("/x?authorization=Bearer+abc", "/x?authorization=[redacted]"),
        ("/x?api_key=1&key=2&secret=3", "/x?api_key=[redacted]&key=[redacted]&secret=[redacted]"),
        ("/x?password=1&access_token=2", "/x?password=[redacted]&access_token=[redacted]"),
        ("/x?GH_TOKEN=1&client_secret=2", "/x?GH_TOKEN=[redacted]&client_secret=[redacted]"),
        ("/articles/Bearer%20abc", "/articles/Bearer%20[redacted]"),
        ("Authorization: BEARER abc", "Authorization: BEARER [redacted]"),
        ("/search?q=monkey+keys&page=2", "/search?q=monkey+keys&page=2"),
        ("/search?q=what%20is%20a%20token%3F", "/search?q=what%20is%20a%20token%3F"),
    ],
)
def test_secret_looking_parameters_and_bearer_tokens_are_blanked(line: str, expected: str) -> None:
    assert redacted(line) == expected


def access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it."""
    args = ("10.1.2.3:5000", "GET", path, "1.1", 200)
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', args, None
    )


def test_the_access_line_keeps_the_path_without_the_query_by_default() -> None:
    record = access_record("/search?q=my+private+worry&token=abc")
    assert AccessFields().filter(record)
    assert record.getMessage() == '10.1.2.3:5000 - "GET /search HTTP/1.1" 200'
    assert record.path == "/search"  # type: ignore[attr-defined]


def test_with_queries_logged_the_access_line_keeps_them_redacted() -> None:
    record = access_record("/search?q=celery&token=abc")
    assert AccessFields(log_queries=True).filter(record)
    expected = "/search?q=celery&token=[redacted]"
    assert record.path == expected  # type: ignore[attr-defined]
    assert expected in record.getMessage()


def configured_lines(log_queries: bool) -> list[dict[str, Any]]:
    """One access line and one application line through the process's real configuration."""
    stream = io.StringIO()
    logging.getLogger("uvicorn.access").filters.clear()
    config = logging_config("json", log_queries=log_queries)
    config["handlers"]["main"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        logging.getLogger("uvicorn.access").handle(access_record("/search?q=worry&key=k1"))
        logging.getLogger("some.library").warning("calling https://api.example/v1?api_key=k2")
    finally:
        # dictConfig adds filters to a logger without removing earlier ones: start clean.
        logging.getLogger("uvicorn.access").filters.clear()
        logging.getLogger().handlers.clear()
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize("log_queries", [False, True])
def test_every_line_of_the_configured_process_is_redacted(log_queries: bool) -> None:
    access, other = configured_lines(log_queries)
    text = json.dumps([access, other])
    assert "k1" not in text and "k2" not in text
    assert other["message"] == "calling https://api.example/v1?api_key=[redacted]"
    assert access["path"] == ("/search?q=worry&key=[redacted]" if log_queries else "/search")
    assert ("worry" in text) is log_queries


def test_a_handler_on_its_own_redacts_too() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("test.redaction")
    logger.addHandler(make_handler("text", stream))
    logger.propagate = False
    try:
        logger.warning("GET %s", "/jobs/1?token=abc")
    finally:
        logger.handlers.clear()
    assert "token=[redacted]" in stream.getvalue() and "abc" not in stream.getvalue()
