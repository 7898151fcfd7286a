"""The FastAPI application: `create_app()` for tests, `app` for `uvicorn search_api.app:app`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from anyio import CapacityLimiter
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware

from indexer.bootstrap import Services, build_recorder
from indexer.config import Settings
from indexer.errors import FootnoteError
from indexer.jobs.job_service import JobService
from indexer.server_paths import ServerPaths
from search_api.errors import install_error_handlers
from search_api.metrics import LatencyMiddleware, Metrics
from search_api.rate_limit import RateLimitMiddleware, RateLimits
from search_api.request_id import RequestIdMiddleware
from search_api.request_limits import (
    BodySizeLimitMiddleware,
    PayloadTooLarge,
    limit_filters,
    payload_too_large,
)
from search_api.routes import admin, admin_api, dashboard, embed, events, health, page, search
from search_api.routes import jobs as jobs_routes
from search_api.schemas import ErrorOut
from search_api.security import SecurityHeadersMiddleware, cors_options

STATIC = Path(__file__).resolve().parent / "static"
LIMITED: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "Request body over FOOTNOTE_MAX_BODY_BYTES"},
    429: {"model": ErrorOut, "description": "Over the client's rate limit; see Retry-After"},
}
log = logging.getLogger(__name__)


def create_app(
    services: Services | None = None,
    settings: Settings | None = None,
    jobs: JobService | None = None,
) -> FastAPI:
    """The app over `services`, or over services built from `settings` (or the environment)
    when it starts: the model and index load once per process, in the lifespan."""

    # Middleware needs the limits now, before the lifespan builds the services.
    config = settings or (services.settings if services is not None else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if services is None:
            from indexer.bootstrap import build

            app.state.services = build(config)
        else:
            app.state.services = services
        app.state.server_paths = ServerPaths.of(app.state.services.settings)
        app.state.jobs = jobs or _jobs(app.state.services.settings)
        app.state.recorder = build_recorder(app.state.services.settings)
        app.state.metrics = Metrics(app.state.services.reader, app.state.recorder)
        app.state.search_threads = CapacityLimiter(app.state.services.settings.search_threads)
        _warm_up(app.state.services)
        try:
            yield
        finally:
            app.state.recorder.close()

    app = FastAPI(
        title="Footnote",
        summary="Semantic search over a publication's articles",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_exception_handler(PayloadTooLarge, payload_too_large)

    # Added innermost first. A refused request (429, 413) still gets CORS, security headers
    # and a request id; the id is bound outermost so every log line of the request has it.
    app.add_middleware(LatencyMiddleware)
    app.add_middleware(RateLimitMiddleware, limits=RateLimits.from_settings(config))
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=config.max_body_bytes)
    app.add_middleware(CORSMiddleware, **cors_options(config.cors_origins))
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)

    filtered = [Depends(limit_filters)]
    app.include_router(page.router)
    app.include_router(embed.router)
    app.include_router(search.router, dependencies=filtered, responses=LIMITED)
    app.include_router(jobs_routes.router, dependencies=filtered, responses=LIMITED)
    app.include_router(events.router)
    app.include_router(admin.router)
    app.include_router(admin_api.router)
    app.include_router(dashboard.router)
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
    services.query_embedder.embed(["warm up"])
    try:
        services.reader.current()
    except FootnoteError as exc:  # start anyway; /readyz says why nothing is loaded
        log.warning("no index loaded at start-up: %s", exc)


def __getattr__(name: str) -> FastAPI:
    # `uvicorn search_api.app:app` builds the app lazily, so importing this module stays cheap.
    if name == "app":
        from indexer.bootstrap.log_setup import configure_logging

        settings = Settings()
        configure_logging(settings.log_format, log_queries=settings.log_queries)
        return create_app(settings=settings)
    raise AttributeError(name)
