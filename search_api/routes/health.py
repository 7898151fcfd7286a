"""Operational endpoints: liveness, readiness, metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from indexer.errors import FootnoteError
from search_api.deps import ServicesDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses={
        200: {"description": "Serving a snapshot; `status` is `degraded` when one was refused"},
        503: {"description": "No index loaded yet"},
    },
)
def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when a snapshot is loaded: which one, from which model, how big; and whether a
    newer snapshot was refused.

    A refused snapshot keeps the answer 200 with `"status": "degraded"` and `refused` naming
    the file and the error: the process still answers from the previous snapshot, and every
    replica shares the same damaged file, so a 503 would take the whole search offline."""
    try:
        services.reader.current()
    except FootnoteError:
        pass  # reported through status() below
    status = services.reader.status()
    status["embedder"] = services.embedder.name
    ready = bool(status["loaded"])
    return JSONResponse(
        {"ready": ready, **status},
        status_code=200 if ready else 503,
        headers={} if ready else {"Retry-After": "5"},
    )


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text format."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
