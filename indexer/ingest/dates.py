"""Dates as people and generators write them, read tolerantly but never guessed.

`2024-4-09`, `2013-05-06 02:12:52 +0200`, RFC 3339 with an offset, RFC 822 (feeds) and
"November 8, 2019" are read; a text that does not name a year, a month and a day is refused,
so "next tuesday" is an error rather than today's date.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import cast

from dateutil import parser as dateutil_parser

When = datetime | date

# Year-month-day with one or two digit months and days, an optional time and, anywhere after
# it, an offset: Jekyll posts carry `2023-01-29 18:30:22 2023 -0800`, which Ruby reads.
_NUMERIC = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
)
_OFFSET = re.compile(r"(?:^|[\s\d])(?P<z>Z|[+-]\d{2}:?\d{2}|UTC|GMT)\s*$", re.IGNORECASE)
# Two defaults that differ in every calendar field: a field the text left out shows up as a
# difference between the two parses.
_PROBES = (datetime(2001, 2, 3), datetime(2004, 5, 6))


def parse_when(value: object, field: str) -> When | None:
    """A date or datetime from a scalar a parser handed over; None when absent or blank.

    Raises ValueError naming `field` and the value when it is not a date.
    """
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{field} must be a date, got {type(value).__name__} {value!r}")
    text = str(value).strip()
    if not text:
        return None
    for reader in (_numeric, _iso, _rfc822, _words):
        found = reader(text)
        if found is not None:
            return found
    raise ValueError(
        f"{field} {text!r} is not a date: expected ISO 8601 (2024-05-01), "
        "RFC 822 (Wed, 01 May 2024 10:00:00 GMT) or a written date (May 1, 2024)"
    )


def calendar_date(when: When | None) -> date | None:
    """The calendar date as written: an evening post in New York was published that day."""
    if when is None:
        return None
    return when.date() if isinstance(when, datetime) else when


def _numeric(text: str) -> When | None:
    match = _NUMERIC.match(text)
    if match is None:
        return None
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        if match["H"] is None:
            return day
        moment = datetime(
            day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"] or 0)
        )
    except ValueError:
        return None
    zone = _OFFSET.search(text[match.end() :])
    return moment.replace(tzinfo=_zone(zone["z"])) if zone else moment


def _zone(text: str) -> timezone:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-delta if text[0] == "-" else delta)


def _iso(text: str) -> When | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _rfc822(text: str) -> When | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _words(text: str) -> When | None:
    """ "November 8, 2019", "8 Nov 2019 10:00": only when year, month and day are all there."""
    if not re.search(r"\d{4}", text) or not re.search(r"[A-Za-z]{3,}", text):
        return None
    try:
        first, second = (
            cast(datetime, dateutil_parser.parse(text, default=probe)) for probe in _PROBES
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None
    return first if (first.hour, first.minute, first.second) != (0, 0, 0) else first.date()
