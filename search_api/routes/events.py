"""What the page reports back: which result a reader opened. No address, no user, no cookie."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from indexer.analytics.normalise import normalise
from indexer.analytics.recorder import Recorder
from indexer.ports.analytics import OpenEvent, QueryEvent
from indexer.search.search_service import SearchFilters, SearchPage
from search_api.schemas import ErrorOut

router = APIRouter(tags=["analytics"])


class OpenIn(BaseModel):
    query_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    article_id: Annotated[str, Field(min_length=1, max_length=200)]


def recorder_of(request: Request) -> Recorder:
    recorder: Recorder = request.app.state.recorder
    return recorder


def record_search(request: Request, page: SearchPage, filters: SearchFilters) -> str:
    """Queue the search for the gap report; returns the id the page reports opens under."""
    query_id = uuid.uuid4().hex
    best = page.results[0].score if page.results else None
    recorder_of(request).record(
        QueryEvent(
            query_id=query_id,
            kind="search",
            text=normalise(page.query),
            mode=page.mode,
            results=page.total,
            best_score=best,
            at=time.time(),
            filters=_filters(filters),
        )
    )
    return query_id


def _filters(filters: SearchFilters) -> dict[str, object]:
    raw = {
        "tags": list(filters.tags),
        "author": filters.author,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }
    return {name: value for name, value in raw.items() if value}


@router.post(
    "/events/open", status_code=204, response_class=Response, responses={422: {"model": ErrorOut}}
)
def opened(body: OpenIn, request: Request) -> Response:
    """The reader opened `article_id` from the results of `query_id` (sent with sendBeacon)."""
    recorder_of(request).record(OpenEvent(body.query_id, body.article_id, time.time()))
    return Response(status_code=204)
