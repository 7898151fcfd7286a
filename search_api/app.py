"""The FastAPI application: `create_app()` for tests, `app` for `uvicorn search_api.app:app`."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.errors import FootnoteError
from indexer.job_service import JobService
from search_api.errors import install_error_handlers
from search_api.metrics import Metrics
from search_api.routes import admin, health, page, search
from search_api.routes import jobs as jobs_routes

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger(__name__)


def create_app(
    services: Services | None = None,
    settings: Settings | None = None,
    jobs: JobService | None = None,
) -> FastAPI:
    """The app over `services`, or over services built from `settings` (or the environment)
    when it starts: the model and index load once per process, in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is None:
            from indexer.bootstrap import build

            app.state.services = build(settings or Settings())
        else:
            app.state.services = services
        app.state.jobs = jobs or _jobs(app.state.services.settings)
        app.state.metrics = Metrics(app.state.services.reader)
        _warm_up(app.state.services)
        yield

    app = FastAPI(
        title="Footnote",
        summary="Semantic search over a publication's articles",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)

    @app.middleware("http")
    async def record_latency(request, call_next):  # type: ignore[no-untyped-def]
        metrics: Metrics | None = getattr(request.app.state, "metrics", None)
        if metrics is None:
            return await call_next(request)
        return await metrics.middleware(request, call_next)

    @app.middleware("http")
    async def request_id(request, call_next):  # type: ignore[no-untyped-def]
        # One id follows a request into the job it starts and into the logs.
        given = request.headers.get("X-Request-ID", "")
        request.state.request_id = given if 0 < len(given) <= 64 else uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    app.include_router(page.router)
    app.include_router(search.router)
    app.include_router(jobs_routes.router)
    app.include_router(admin.router)
    app.include_router(health.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _jobs(settings: Settings) -> JobService:
    from indexer.bootstrap import build_jobs
    from tasks.celery_app import make_celery
    from tasks.queue import CeleryJobQueue

    return build_jobs(settings, CeleryJobQueue(make_celery(settings)))


def _warm_up(services: Services) -> None:
    """Load the snapshot and run the model once, so the first reader does not wait for it."""
    services.embedder.embed(["warm up"])
    try:
        services.reader.current()
    except FootnoteError as exc:  # start anyway; /readyz says why nothing is loaded
        log.warning("no index loaded at start-up: %s", exc)


def __getattr__(name: str) -> FastAPI:
    # `uvicorn search_api.app:app` builds the app lazily, so importing this module stays cheap.
    if name == "app":
        return create_app()
    raise AttributeError(name)
