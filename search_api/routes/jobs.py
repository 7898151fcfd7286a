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
from indexer.jobs.kinds import spec_of
from indexer.jobs.records import Job
from search_api.deps import JobsDep, ServicesDep
from search_api.editor_auth import Authorization, check_editor
from search_api.schemas import AskIn, ErrorOut, JobAccepted, JobOut

router = APIRouter(tags=["jobs"])
JobId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
    503: {"model": ErrorOut},
}
JOB_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    401: {"model": ErrorOut, "description": "An editor's job, and no token"},
    403: {"model": ErrorOut, "description": "An editor's job, and a wrong token"},
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
    # Idempotency keys are the client's own: the address the rate limiter counts too.
    client = request.client.host if request.client else None
    job, created = jobs.submit("ask", params, idempotency_key, request.state.request_id, client)
    return accepted(job, created, response)


def readable(job: Job, services: ServicesDep, authorization: str | None) -> Job:
    """`job`, if the caller may see it: an editor's job needs the editor token (its result
    and errors are the newsroom's, and cancelling it would drop an editor's change); a
    reader's question is open to whoever holds its id."""
    if spec_of(job.kind).editors_only:
        check_editor(services.settings, authorization)
    return job


@router.get("/jobs/{job_id}", response_model=JobOut, responses=JOB_ERRORS)
def get_job(
    job_id: JobId, jobs: JobsDep, services: ServicesDep, authorization: Authorization = None
) -> JobOut:
    """A job's state, progress and result. An editor's job needs the editor token."""
    return JobOut(**readable(jobs.get(job_id), services, authorization).as_dict())


@router.delete("/jobs/{job_id}", response_model=JobOut, responses=JOB_ERRORS)
def cancel_job(
    job_id: JobId, jobs: JobsDep, services: ServicesDep, authorization: Authorization = None
) -> JobOut:
    """Cancel a queued or running job; a finished job is returned unchanged. An editor's job
    needs the editor token."""
    readable(jobs.get(job_id), services, authorization)
    return JobOut(**jobs.cancel(job_id).as_dict())


@router.get(
    "/jobs/{job_id}/events",
    responses={200: {"content": {"text/event-stream": {}}}, **JOB_ERRORS},
    response_class=StreamingResponse,
)
async def job_events(
    job_id: JobId,
    jobs: JobsDep,
    services: ServicesDep,
    authorization: Authorization = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=64)] = None,
) -> StreamingResponse:
    """Server-Sent Events: `status`, `progress` and `token` events, each with an id; a client
    that reconnects with `Last-Event-ID` resumes after it (a value that is no event id here
    replays from the start). Ends with a `result` event. An editor's job needs the token."""
    # Both checks before the stream starts: once it has, a 404 or 401 can no longer be sent.
    readable(await run_in_threadpool(jobs.get, job_id), services, authorization)
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
