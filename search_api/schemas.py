"""Response shapes of the HTTP API: what clients (and the reader's page) can rely on."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


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
