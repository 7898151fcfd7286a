"""Readers' answers and every client's view of jobs: submit, poll, stream, cancel."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from indexer.errors import InvalidQuery
from indexer.jobs.job_service import JobService
from indexer.jobs.records import Job
from search_api.deps import JobsDep
from search_api.schemas import AskIn, ErrorOut, JobAccepted, JobOut

router = APIRouter(tags=["jobs"])
JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
    503: {"model": ErrorOut},
}


def accepted(job: Job, created: bool, response: Response) -> JobAccepted:
    status_url = f"/jobs/{job.id}"
    response.headers["Location"] = status_url
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return JobAccepted(
        job_id=job.id,
        state=job.state,
        status_url=status_url,
        events_url=f"{status_url}/events",
        replayed=not created,
    )


@router.post("/ask", status_code=202, response_model=JobAccepted, responses=ERRORS)
def ask(
    body: AskIn,
    request: Request,
    response: Response,
    jobs: JobsDep,
    idempotency_key: IdempotencyKey = None,
) -> JobAccepted:
    """Start answering a question; poll `status_url` or stream `events_url` for the answer."""
    question = " ".join(body.question.split())
    if not question:
        raise InvalidQuery("the question is empty: type what you want to know")
    filters = body.filters.model_dump(mode="json") if body.filters else {}
    params = {"question": question, "filters": filters, "k": body.k}
    job, created = jobs.submit("ask", params, idempotency_key, request.state.request_id)
    return accepted(job, created, response)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=ERRORS)
def get_job(job_id: JobId, jobs: JobsDep) -> JobOut:
    return JobOut(**jobs.get(job_id).as_dict())


@router.delete("/jobs/{job_id}", response_model=JobOut, responses=ERRORS)
def cancel_job(job_id: JobId, jobs: JobsDep) -> JobOut:
    """Cancel a queued or running job; a finished job is returned unchanged."""
    return JobOut(**jobs.cancel(job_id).as_dict())


@router.get(
    "/jobs/{job_id}/events",
    responses={200: {"content": {"text/event-stream": {}}}, **ERRORS},
    response_class=StreamingResponse,
)
async def job_events(
    job_id: JobId,
    jobs: JobsDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=64)] = None,
) -> StreamingResponse:
    """Server-Sent Events: `status`, `progress` and `token` events, each with an id; a client
    that reconnects with `Last-Event-ID` resumes after it. Ends with a `result` event."""
    await run_in_threadpool(jobs.get, job_id)  # 404 before the stream starts
    return StreamingResponse(
        _stream(jobs, job_id, last_event_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _stream(jobs: JobService, job_id: str, after: str | None) -> AsyncIterator[str]:
    last_beat = time.monotonic()
    while True:
        events = await run_in_threadpool(jobs.events, job_id, after)
        for event in events:
            after = event.id
            yield f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(dict(event.data))}\n\n"
        if events:
            continue
        job = await run_in_threadpool(jobs.get, job_id)
        if job.terminal:
            if not await run_in_threadpool(jobs.events, job_id, after):
                yield f"event: result\ndata: {json.dumps(job.as_dict())}\n\n"
                return
            continue
        if time.monotonic() - last_beat > 15:
            last_beat = time.monotonic()
            yield ": keep-alive\n\n"
        await asyncio.sleep(0.1)
