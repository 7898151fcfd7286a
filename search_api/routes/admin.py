"""Editors' endpoints: re-index the source, upsert or delete one article. Token protected."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response

from indexer.ingest.article_ids import ID_PATTERN, ID_RULE, MAX_ID_CHARS
from indexer.ingest.record_schema import ARTICLE_RECORD_SCHEMA
from search_api.deps import JobsDep, ServicesDep
from search_api.editor_auth import EditorClient, require_editor
from search_api.request_limits import PayloadTooLarge
from search_api.routes import article_paths  # noqa: F401  (registers the converter)
from search_api.routes.jobs import ERRORS, IdempotencyKey, accepted
from search_api.schemas import ErrorOut, JobAccepted

# The schema states the id rule, and the loader applies it (with a message that states it); an
# id already indexed may predate the rule, so deleting one only needs it to exist.
NewArticleId = Annotated[
    str,
    Path(
        description=ID_RULE,
        json_schema_extra={"pattern": f"^{ID_PATTERN}$", "maxLength": MAX_ID_CHARS},
    ),
]
ArticleId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"\S")]
TEXT_FIELDS = ("title", "body", "summary")  # what FOOTNOTE_MAX_ARTICLE_CHARS counts


router = APIRouter(prefix="/admin", tags=["editors"], dependencies=[Depends(require_editor)])
ADMIN_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    401: {"description": "No token"},
    403: {"description": "Bad token"},
    413: {"model": ErrorOut, "description": "Body or article text over the limit"},
}


@router.post("/reindex", status_code=202, response_model=JobAccepted, responses=ADMIN_ERRORS)
def reindex(
    request: Request,
    response: Response,
    jobs: JobsDep,
    editor: EditorClient,
    idempotency_key: IdempotencyKey = None,
) -> JobAccepted:
    """Make the index match the configured source folder (FOOTNOTE_SOURCE_DIR)."""
    job, created = jobs.submit("reindex", {}, idempotency_key, request.state.request_id, editor)
    return accepted(job, created, response)


@router.put(
    "/articles/{article_id:article_id}",
    status_code=202,
    response_model=JobAccepted,
    responses=ADMIN_ERRORS,
)
def publish_article(
    article_id: NewArticleId,
    article: Annotated[
        dict[str, Any],
        Body(description="The article as a CMS sends it", json_schema_extra=ARTICLE_RECORD_SCHEMA),
    ],
    request: Request,
    response: Response,
    services: ServicesDep,
    jobs: JobsDep,
    editor: EditorClient,
    idempotency_key: IdempotencyKey = None,
) -> JobAccepted:
    """Add or replace one article: `title`, `body` (Markdown, or HTML with `format: html`),
    optional `url`, `author`, `published`, `updated`, `tags`, `summary`, `draft`."""
    limit = services.settings.max_article_chars
    size = sum(len(article[field]) for field in TEXT_FIELDS if isinstance(article.get(field), str))
    if size > limit:
        raise PayloadTooLarge(f"the article has {size} characters of text: the limit is {limit}")
    # The job's schema parses the article now: a bad one is a 422, never a failed job.
    payload = {**article, "id": article_id}
    job, created = jobs.submit(
        "upsert", {"article": payload}, idempotency_key, request.state.request_id, editor
    )
    return accepted(job, created, response)


@router.delete(
    "/articles/{article_id:article_id}",
    status_code=202,
    response_model=JobAccepted,
    responses=ADMIN_ERRORS,
)
def unpublish_article(
    article_id: ArticleId,
    request: Request,
    response: Response,
    services: ServicesDep,
    jobs: JobsDep,
    editor: EditorClient,
    idempotency_key: IdempotencyKey = None,
) -> JobAccepted:
    services.search.article(article_id)  # 404 now for an unknown article
    job, created = jobs.submit(
        "delete", {"article_id": article_id}, idempotency_key, request.state.request_id, editor
    )
    return accepted(job, created, response)
