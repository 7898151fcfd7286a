"""Reading a date wish out of a query: "latest on Celery retries", "Redis caching in 2022".

The date words carry no topic, so they are removed before retrieval; the wish then re-orders
the articles that are about equally relevant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_LATEST = re.compile(
    r"\b(?:the\s+)?(?:latest|newest|most\s+recent|recent(?:ly)?|current|up[- ]to[- ]date)\b"
    r"(?:\s+(?:on|about|for|take\s+on|advice\s+on|article\s+(?:on|about)))?",
    re.IGNORECASE,
)
# A plausible publication year, optionally introduced: "in 2024", "from 2023", "2022 article".
# Not a year when it is part of a ratio, a decimal or a percentage: "1/2000", "2000.5", "2010%".
_YEAR = re.compile(
    r"\b(?:(?:in|from|during|of)\s+)?(?<![/.,])(199\d|20[0-3]\d)\b(?![/%]|[.,]\d)",
    re.IGNORECASE,
)

_SINCE = re.compile(r"\b(?:since|after)\s+(?:199\d|20[0-3]\d)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateIntent:
    kind: Literal["latest", "year"]
    year: int | None = None


def read_date_intent(query: str) -> tuple[str, DateIntent | None]:
    """The query without its date words, and the date wish if it had one. A query that is
    nothing but date words keeps its text, so it still searches for something."""
    since_match = _SINCE.search(query)
    if since_match:
        # "since 2023" asks for what is newer than that year: the latest, not that year.
        cleaned = _tidy(query[: since_match.start()] + " " + query[since_match.end() :])
        return cleaned or query, DateIntent("latest")
    year_match = _YEAR.search(query)
    if year_match:
        cleaned = _tidy(query[: year_match.start()] + " " + query[year_match.end() :])
        return cleaned or query, DateIntent("year", int(year_match.group(1)))
    latest_match = _LATEST.search(query)
    if latest_match:
        cleaned = _tidy(query[: latest_match.start()] + " " + query[latest_match.end() :])
        return cleaned or query, DateIntent("latest")
    return query, None


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,.;:?!-")
    return re.sub(r"^(?:on|about|for|what's|what is)\s+", "", text, flags=re.IGNORECASE).strip()
