"""What a worker does with a job id: one method per kind of job, over the services."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from indexer.answer_cache import AnswerCache, answer_key
from indexer.answer_json import answer_to_dict
from indexer.errors import FootnoteError, TransientError
from indexer.ingest import load_article_json
from indexer.job_service import JobCancelled, JobProgress, JobService
from indexer.jobs import Job
from indexer.search_service import SearchFilters

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(
        self,
        jobs: JobService,
        services: Any,
        cache: AnswerCache,
        source_dir: Path,
    ) -> None:
        self._jobs = jobs
        self._services = services
        self._cache = cache
        self._source_dir = source_dir
        self._handlers: dict[str, Callable[[Job], dict[str, Any]]] = {
            "ask": self._ask,
            "reindex": self._reindex,
            "upsert": self._upsert,
            "delete": self._delete,
        }

    def run(self, job_id: str) -> None:
        """Run one delivered job to its end. Transient errors propagate (the task retries);
        any other error of ours fails the job with its reason."""
        job = self._jobs.start(job_id)
        if job is None:
            log.info("job %s needs no work (finished, cancelled or unknown)", job_id)
            return
        try:
            result = self._handlers[job.kind](job)
        except JobCancelled:
            log.info("job %s cancelled while running", job_id)
            return
        except TransientError:
            raise
        except FootnoteError as exc:
            self._jobs.fail(job_id, str(exc))
            return
        self._jobs.succeed(job_id, result)

    def _ask(self, job: Job) -> dict[str, Any]:
        question = str(job.params["question"])
        raw_filters = dict(job.params.get("filters") or {})
        k = job.params.get("k")
        generation = self._services.store.generation()
        model = self._services.answers.model or "extractive"
        key = answer_key(question, raw_filters, k, model, generation)
        cached = self._cache.get(key)
        if cached is not None:
            return {**cached, "cached": True}

        def on_token(text: str) -> None:
            if self._jobs.is_cancelled(job.id):
                raise JobCancelled(f"job {job.id} was cancelled")
            self._jobs.token(job.id, text)

        answer = self._services.answers.answer(
            question, filters=_filters(raw_filters), k=k, on_token=on_token
        )
        result = answer_to_dict(answer)
        self._cache.put(key, result)
        return {**result, "cached": False}

    def _reindex(self, job: Job) -> dict[str, Any]:
        source = Path(job.params.get("source") or self._source_dir)
        report = self._services.indexing.sync_source(source, JobProgress(self._jobs, job.id))
        return dict(report.as_dict())

    def _upsert(self, job: Job) -> dict[str, Any]:
        article = load_article_json(job.params["article"], source_path="api")
        return dict(self._services.indexing.upsert_article(article).as_dict())

    def _delete(self, job: Job) -> dict[str, Any]:
        return dict(self._services.indexing.delete_article(str(job.params["article_id"])).as_dict())


def _filters(raw: dict[str, Any]) -> SearchFilters:
    return SearchFilters(
        tags=tuple(raw.get("tags") or ()),
        author=raw.get("author"),
        since=date.fromisoformat(raw["since"]) if raw.get("since") else None,
        until=date.fromisoformat(raw["until"]) if raw.get("until") else None,
    )
