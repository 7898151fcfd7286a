"""Response shapes of the HTTP API: what clients (and the reader's page) can rely on."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from indexer.text.unicode import SOMETHING_TO_READ


class PassageOut(BaseModel):
    chunk_id: int
    heading: str | None = Field(description="The section heading the passage sits under")
    anchor: str | None
    url: str | None = Field(description="Deep link to the section: article url#anchor")
    text: str = Field(description="The passage as written: a slice of the article's Markdown")
    plain: str = Field(
        description="The passage as plain text: no emphasis, code or link marks, no fence lines"
    )
    highlighted: str = Field(
        description="The passage as safe HTML: all text escaped; only <em>, <strong>, <code>, "
        "<a> (http(s) links) from its Markdown, and matching words in <mark>"
    )
    highlights: list[tuple[int, int]] = Field(
        description="Character offsets of matching words within `text` (not `plain`)"
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
    query_id: str | None = Field(
        None, description="Send it with POST /events/open when the reader opens a result"
    )


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

# At least one visible character: a blank or invisible-only query or question is refused by
# the schema itself, so clients can see the rule (the search service applies the same one).
NOT_BLANK = SOMETHING_TO_READ


# The longest tag and author a filter may name. How many filter values one request may carry
# is FOOTNOTE_MAX_FILTERS, counted in one place (search_api.request_limits.limit_filters) for
# /search and /ask alike: a setting, and a sum over four fields, which the static schema can
# state in words only, so it sets no count of its own (it used to say 10 tags: a second limit
# with a second message).
MAX_TAG_CHARS = 100
MAX_AUTHOR_CHARS = 200
TagValue = Annotated[str, Field(max_length=MAX_TAG_CHARS)]


class FiltersIn(BaseModel):
    model_config = {"extra": "forbid"}

    tags: list[TagValue] = Field(
        default_factory=list,
        description="With author, since and until at most FOOTNOTE_MAX_FILTERS (default 20)"
        " filter values in all (422 above)",
    )
    author: str | None = Field(None, max_length=MAX_AUTHOR_CHARS)
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
