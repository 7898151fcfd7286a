"""Operational endpoints: liveness, readiness, metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from indexer.errors import FootnoteError
from search_api.deps import ServicesDep
from search_api.errors import public_text

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
def readyz(request: Request, services: ServicesDep) -> JSONResponse:
    """Ready when a snapshot is loaded: which one, from which model, how big; and whether a
    newer snapshot was refused.

    A refused snapshot keeps the answer 200 with `"status": "degraded"` and `refused` naming
    the file and the error: the process still answers from the previous snapshot, and every
    replica shares the same damaged file, so a 503 would take the whole search offline. So does
    a served snapshot deleted from disk (`unreadable`): searches go on from memory."""
    try:
        services.reader.current()
    except FootnoteError:
        pass  # reported through status() below
    status = public_status(request, services.reader.status())
    status["embedder"] = services.embedder.name
    ready = bool(status["loaded"])
    return JSONResponse(
        {"ready": ready, **status},
        status_code=200 if ready else 503,
        headers={} if ready else {"Retry-After": "5"},
    )


def public_status(request: Request, value: Any) -> Any:
    """The status with its files and errors as a client may see them (no server paths)."""
    if isinstance(value, str):
        return public_text(request, value)
    if isinstance(value, dict):
        return {key: public_status(request, item) for key, item in value.items()}
    return value


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text format."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
