"""What each kind of job does, over the services a worker holds. One function per kind; the
table in `indexer.jobs.kinds` says which runs for which."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.analytics.normalise import normalise
from indexer.analytics.recorder import NoRecorder, Recorder
from indexer.answering.answer_cache import answer_key
from indexer.answering.answer_json import answer_to_dict
from indexer.answering.answer_service import AnswerService
from indexer.errors import JobCancelled
from indexer.index.indexing_service import IndexingService
from indexer.ingest import load_article_json
from indexer.jobs.progress import JobProgress
from indexer.jobs.records import Job
from indexer.model import Article
from indexer.ports import AnswerCache, MetadataStore
from indexer.ports.analytics import QueryEvent
from indexer.search.search_service import SearchFilters

if TYPE_CHECKING:
    from indexer.jobs.job_service import JobService
    from indexer.jobs.kinds import AskPayload, DeletePayload, ReindexPayload, UpsertPayload

# Where an article sent through the API says it came from (a folder sync never deletes it).
API_SOURCE = "api"


@dataclass(frozen=True)
class WorkerServices:
    """Everything a job handler may use, built once per worker process."""

    jobs: JobService
    store: MetadataStore
    indexing: IndexingService
    answers: AnswerService
    cache: AnswerCache
    source_dir: Path
    recorder: Recorder = field(default_factory=NoRecorder)


def article_of(record: Mapping[str, Any]) -> Article:
    """The one parser of an article sent through the API: at submit and in the worker."""
    return load_article_json(record, source_path=API_SOURCE)


def ask(services: WorkerServices, job: Job, payload: AskPayload) -> dict[str, Any]:
    generation = services.store.generation()
    model = services.answers.model or "extractive"
    key = answer_key(payload.question, payload.filters, payload.k, model, generation)
    cached = services.cache.get(key)
    if cached is not None:
        _record_question(services, job, payload, cached)
        return {**cached, "cached": True}

    def interrupt() -> None:
        # At every piece the model writes, so a cancel closes the model call within a token.
        if services.jobs.is_cancelled(job.id):
            raise JobCancelled(f"job {job.id} was cancelled")

    def on_token(text: str) -> None:
        services.jobs.token(job.id, text)

    answer = services.answers.answer(
        payload.question,
        filters=_filters(payload.filters),
        k=payload.k,
        on_token=on_token,
        interrupt=interrupt,
    )
    result = answer_to_dict(answer)
    services.cache.put(key, result)
    _record_question(services, job, payload, result)
    return {**result, "cached": False}


def _record_question(
    services: WorkerServices, job: Job, payload: AskPayload, result: Mapping[str, Any]
) -> None:
    """The question for the gap report; the job id is the id the page reports opens under."""
    sources = result.get("sources") or []
    services.recorder.record(
        QueryEvent(
            query_id=job.id,
            kind="ask",
            text=normalise(payload.question),
            mode="ask",
            results=len(sources),
            best_score=result.get("confidence"),
            at=time.time(),
            filters=dict(payload.filters),
            answered=not result.get("abstained", False),
        )
    )


def reindex(services: WorkerServices, job: Job, payload: ReindexPayload) -> dict[str, Any]:
    source = Path(payload.source or services.source_dir)
    report = services.indexing.sync_source(source, JobProgress(services.jobs, job.id))
    # The files that failed, as the editor's client may see them: under [source dir], say.
    failures = [services.jobs.public_text(str(failure)) for failure in report.failed]
    return {**report.as_dict(), "failures": failures}


def upsert(services: WorkerServices, job: Job, payload: UpsertPayload) -> dict[str, Any]:
    return dict(services.indexing.index_article(article_of(payload.article)).as_dict())


def delete(services: WorkerServices, job: Job, payload: DeletePayload) -> dict[str, Any]:
    return dict(services.indexing.remove_article(payload.article_id).as_dict())


def _filters(raw: Mapping[str, Any]) -> SearchFilters:
    return SearchFilters(
        tags=tuple(raw.get("tags") or ()),
        author=raw.get("author"),
        since=date.fromisoformat(raw["since"]) if raw.get("since") else None,
        until=date.fromisoformat(raw["until"]) if raw.get("until") else None,
    )
