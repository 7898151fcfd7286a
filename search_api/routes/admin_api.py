"""The dashboard's data, as JSON for editors: the index, sync sources, recent jobs and the
reports on what readers searched for. Token protected like every /admin endpoint."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from indexer.analytics.reports import Reports
from indexer.bootstrap import build_reports, sync_status
from indexer.errors import FootnoteError
from indexer.jobs.records import Job
from search_api.deps import JobsDep, ServicesDep
from search_api.editor_auth import require_editor
from search_api.routes.admin import ADMIN_ERRORS
from search_api.routes.health import public_status
from search_api.routes.jobs import JobId, accepted
from search_api.schemas import JobAccepted

router = APIRouter(prefix="/admin/api", tags=["editors"], dependencies=[Depends(require_editor)])
SinceDays = Annotated[float, Query(gt=0, le=3650, description="The period, in days")]


@router.get("/overview", responses=ADMIN_ERRORS)
def overview(request: Request, services: ServicesDep, jobs: JobsDep) -> dict[str, Any]:
    """The loaded index, each sync source's last run, and the last re-index's failures."""
    try:
        services.reader.current()
    except FootnoteError:
        pass  # the status says why nothing is loaded
    index = public_status(request, services.reader.status())
    index["embedder"] = services.embedder.name
    return {
        "index": index,
        "sources": [s.as_dict() for s in sync_status(services.settings)],
        "last_reindex": _last_reindex(jobs.recent(50)),
    }


def _last_reindex(recent: list[Job]) -> dict[str, Any] | None:
    for job in recent:
        if job.kind == "reindex" and job.result is not None:
            failures = [str(f) for f in job.result.get("failures", [])]
            # "path:line: reason" -> reason, so one broken rule is one row however many files.
            reasons = Counter(f.split(": ", 1)[-1] for f in failures)
            return {
                "job_id": job.id,
                "finished_at": job.finished_at,
                "counts": {k: v for k, v in job.result.items() if isinstance(v, int | float)},
                "failures_by_reason": [
                    {"reason": reason, "count": n} for reason, n in reasons.most_common()
                ],
            }
    return None


@router.get("/jobs", responses=ADMIN_ERRORS)
def recent_jobs(jobs: JobsDep, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    return {"jobs": [job.as_dict() for job in jobs.recent(limit)]}


@router.post(
    "/jobs/{job_id}/retry", status_code=202, response_model=JobAccepted, responses=ADMIN_ERRORS
)
def retry(job_id: JobId, request: Request, response: Response, jobs: JobsDep) -> JobAccepted:
    """Run a job's work again, as a new job."""
    job, created = jobs.retry(job_id, request.state.request_id)
    return accepted(job, created, response)


def reports_of(request: Request, services: ServicesDep) -> Reports:
    reports: Reports | None = getattr(request.app.state, "reports", None)
    if reports is None:
        reports = build_reports(services.settings, services.query_embedder)
        request.app.state.reports = reports
    return reports


ReportsDep = Annotated[Reports, Depends(reports_of)]


@router.get("/reports/gaps", responses=ADMIN_ERRORS)
async def gaps(reports: ReportsDep, since: SinceDays = 30) -> dict[str, Any]:
    """Searches that found nothing and questions not answered, grouped by meaning."""
    return await run_in_threadpool(reports.gaps, since)


@router.get("/reports/queries", responses=ADMIN_ERRORS)
async def queries(reports: ReportsDep, since: SinceDays = 30) -> dict[str, Any]:
    """Top searches, searches whose results nobody opened, views per article from search."""
    return await run_in_threadpool(reports.queries, since)
