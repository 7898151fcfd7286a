"""The one table of job kinds. Adding a kind of job means adding a row here (and its handler):
the API submits by kind, the job service validates the payload with the row's schema, the
Celery tasks, queues, time limits and retries are made from the rows, and the runner calls the
row's handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from indexer.errors import FootnoteError, InvalidArticle, InvalidQuery
from indexer.jobs import handlers
from indexer.jobs.handlers import WorkerServices
from indexer.jobs.records import Job
from indexer.search.query_text import readable_text


class JobKind(StrEnum):
    ASK = "ask"
    REINDEX = "reindex"
    UPSERT = "upsert"
    DELETE = "delete"


class AskPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    filters: dict[str, Any] = {}
    k: int | None = None


class ReindexPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str | None = None


class UpsertPayload(BaseModel):
    """An article record as a CMS sends it; `handlers.article_of` turns it into an Article, so
    the API (at submit) and the worker (at run) apply the same rules."""

    model_config = ConfigDict(extra="forbid")
    article: dict[str, Any]


class DeletePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    article_id: str


Handler = Callable[[WorkerServices, Job, Any], dict[str, Any]]


@dataclass(frozen=True)
class KindSpec:
    task: str
    """The Celery task name: the wire contract between whoever enqueues and the workers."""
    queue: str
    soft_limit_s: int
    """The soft limit lets the job record why it stopped before the hard one kills it."""
    hard_limit_s: int
    stale_after_s: float
    """A running job whose worker has said nothing for this long is taken for lost."""
    payload: type[BaseModel]
    handler: Handler
    invalid: type[FootnoteError] = InvalidQuery
    """What a payload that fails its schema raises (and so which 422 the API answers)."""
    check: Callable[[Any], object] | None = None
    """A deeper check of a valid payload, run at submit so a bad one never becomes a job."""
    max_retries: int | None = None
    """Retries of transient failures; None: the FOOTNOTE_TASK_MAX_RETRIES setting."""
    editors_only: bool = False
    """Reading, following or cancelling the job needs the editor token; and it is never
    refused or expired by a queue limit (an editor's change must not be dropped)."""


# Answers must not wait behind a long re-index: separate queues, both consumed by default.
JOB_KINDS: dict[JobKind, KindSpec] = {
    JobKind.ASK: KindSpec(
        "footnote.answer_question",
        "answers",
        90,
        120,
        180.0,
        AskPayload,
        handlers.ask,
        check=lambda payload: readable_text(payload.question, "question"),
    ),
    JobKind.REINDEX: KindSpec(
        "footnote.reindex_source",
        "indexing",
        3300,
        3600,
        900.0,
        ReindexPayload,
        handlers.reindex,
        editors_only=True,
    ),
    JobKind.UPSERT: KindSpec(
        "footnote.upsert_article",
        "indexing",
        150,
        180,
        240.0,
        UpsertPayload,
        handlers.upsert,
        invalid=InvalidArticle,
        check=lambda payload: handlers.article_of(payload.article),
        editors_only=True,
    ),
    JobKind.DELETE: KindSpec(
        "footnote.delete_article",
        "indexing",
        150,
        180,
        240.0,
        DeletePayload,
        handlers.delete,
        editors_only=True,
    ),
}


def spec_of(kind: str) -> KindSpec:
    try:
        return JOB_KINDS[JobKind(kind)]
    except ValueError as exc:
        raise InvalidQuery(f"unknown kind of job {kind!r}") from exc


def validated(kind: str, params: Mapping[str, Any]) -> BaseModel:
    """The payload of a `kind` job, checked against its schema (and its deeper check)."""
    spec = spec_of(kind)
    try:
        payload = spec.payload.model_validate(dict(params))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise spec.invalid(f"invalid {kind} job: {problems}") from exc
    if spec.check is not None:
        spec.check(payload)
    return payload
