"""Response shapes of the HTTP API: what clients (and the reader's page) can rely on."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field


class PassageOut(BaseModel):
    chunk_id: int
    heading: str | None = Field(description="The section heading the passage sits under")
    anchor: str | None
    url: str | None = Field(description="Deep link to the section: article url#anchor")
    text: str
    highlighted: str = Field(
        description="The passage as safe HTML: everything escaped, matching words in <mark>"
    )
    highlights: list[tuple[int, int]] = Field(
        description="Character offsets of matching words within `text`"
    )
    start: int = Field(description="Offset of the passage in the article text")
    end: int
    score: float


class ArticleHitOut(BaseModel):
    article_id: str
    title: str
    url: str | None
    published: date | None
    updated: date | None
    author: str | None
    tags: list[str]
    score: float
    passages: list[PassageOut]


class DateIntentOut(BaseModel):
    kind: str = Field(description="'latest' or 'year'")
    year: int | None = None


class SearchResponse(BaseModel):
    query: str
    mode: str
    page: int
    k: int
    total: int = Field(description="Matching articles found (over all pages)")
    snapshot: int
    took_ms: float
    date_intent: DateIntentOut | None = None
    results: list[ArticleHitOut]


class ArticleOut(BaseModel):
    article_id: str
    title: str
    url: str | None
    published: date | None
    updated: date | None
    author: str | None
    tags: list[str]
    summary: str | None
    sections: list[str] = Field(description="Headings of the article, in order")
    text: str


class RelatedOut(BaseModel):
    article_id: str
    related: list[ArticleHitOut]


class ErrorOut(BaseModel):
    error: str = Field(description="Machine-readable kind, e.g. invalid_query")
    detail: str = Field(description="What went wrong and what to fix")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _iso_date_text(value: object) -> object:
    # pydantic's lax mode reads 0 or "0" as 1970-01-01: a filter typo would silently match all.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
"""A calendar date written YYYY-MM-DD, exactly what the schema's `format: date` promises."""

# At least one character that is not whitespace: a blank query or question is refused by
# the schema itself, so clients can see the rule.
NOT_BLANK = r"\S"


class FiltersIn(BaseModel):
    model_config = {"extra": "forbid"}

    tags: list[str] = Field(default_factory=list, max_length=10)
    author: str | None = Field(None, max_length=200)
    since: IsoDate | None = None
    until: IsoDate | None = None


class AskIn(BaseModel):
    model_config = {"extra": "forbid"}

    question: str = Field(
        min_length=1, max_length=500, pattern=NOT_BLANK, description="The reader's question"
    )
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=20, description="Passages to answer from")


class JobAccepted(BaseModel):
    job_id: str
    state: str
    status_url: str
    events_url: str
    replayed: bool = Field(description="True when an Idempotency-Key matched an earlier job")


class JobOut(BaseModel):
    id: str
    kind: str
    state: str = Field(
        description="queued, running, succeeded, failed, cancelled or expired (a question "
        "that waited longer than FOOTNOTE_ASK_EXPIRE_AFTER_S, never run)"
    )
    created_at: float
    started_at: float | None
    finished_at: float | None
    done: int
    total: int
    eta_s: float | None
    attempts: int
    error: str | None
    result: dict[str, object] | None
    request_id: str | None = None
