"""Reader endpoints: search, one article, related articles."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from indexer.search.search_service import SearchFilters
from indexer.text.markdown_blocks import section_headings
from search_api.deps import ServicesDep, in_search_thread
from search_api.presenters import (
    PreEncoded,
    article_out,
    related_response,
    search_response,
)
from search_api.routes import article_paths  # noqa: F401  (registers the converter)
from search_api.routes.events import record_search
from search_api.schemas import (
    MAX_AUTHOR_CHARS,
    NOT_BLANK,
    ArticleOut,
    ErrorOut,
    IsoDate,
    RelatedOut,
    SearchResponse,
    TagValue,
)

router = APIRouter(tags=["search"])

ArticleId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        description="The article's id: its path in the source, which may hold '/'",
    ),
]
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
    503: {"model": ErrorOut},
}


@router.get("/search", response_model=SearchResponse, responses=ERRORS)
async def search(
    request: Request,
    services: ServicesDep,
    # 500 is the default of FOOTNOTE_MAX_QUERY_CHARS: the schema states the limit clients meet.
    q: Annotated[
        str,
        Query(min_length=1, max_length=500, pattern=NOT_BLANK, description="What the reader typed"),
    ],
    mode: Annotated[Literal["hybrid", "dense", "bm25"], Query()] = "hybrid",
    k: Annotated[int, Query(ge=1, le=50, description="Articles per page")] = 10,
    page: Annotated[int, Query(ge=1, le=50)] = 1,
    tag: Annotated[
        list[TagValue] | None,
        Query(
            description="Only articles with all these tags. With author, since and until at "
            "most FOOTNOTE_MAX_FILTERS (default 20) filter values in all (422 above)"
        ),
    ] = None,
    author: Annotated[str | None, Query(max_length=MAX_AUTHOR_CHARS)] = None,
    since: Annotated[IsoDate | None, Query(description="Published on or after")] = None,
    until: Annotated[IsoDate | None, Query(description="Published on or before")] = None,
    record: Annotated[
        bool,
        Query(
            description="Count this search in the editors' reports (when analytics is on). "
            "Search-as-you-type clients send false for each keystroke's request and repeat "
            "the search the reader settles on without it, so partial words are never counted"
        ),
    ] = True,
) -> Response:
    filters = SearchFilters(
        tags=tuple(t.strip().lower() for t in tag or [] if t.strip()),
        author=author.strip() or None if author else None,
        since=since,
        until=until,
    )

    def run() -> Response:
        result = services.search.search(q, k=k, mode=mode, page=page, filters=filters)
        # Further pages of one search are not new searches: only the first is recorded.
        query_id = record_search(request, result, filters) if record and page == 1 else None
        # Built from our own types, so FastAPI's second validation pass would only re-check
        # it: the response goes out as encoded here.
        return PreEncoded(search_response(result, query_id))

    return await in_search_thread(request, run)


@router.get(
    "/articles/{article_id:article_id}/related", response_model=RelatedOut, responses=ERRORS
)
async def related(
    request: Request,
    services: ServicesDep,
    article_id: ArticleId,
    k: Annotated[int, Query(ge=1, le=20)] = 5,
) -> RelatedOut:
    def run() -> RelatedOut:
        return related_response(article_id, services.search.related(article_id, k=k))

    return await in_search_thread(request, run)


@router.get("/articles/{article_id:article_id}", response_model=ArticleOut, responses=ERRORS)
def get_article(services: ServicesDep, article_id: ArticleId) -> ArticleOut:
    article = services.search.article(article_id)
    return article_out(article, section_headings(article.text))
