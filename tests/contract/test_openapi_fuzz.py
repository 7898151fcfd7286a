"""The HTTP contract, fuzzed: every operation of the OpenAPI schema (readers', editors', jobs)
gets schema-valid and schema-invalid requests from Schemathesis, in process over ASGI.

Every response must be no 5xx and must match what the schema promises for its status code
(status documented, body and content type as declared). Services are the real pipeline (SQLite,
snapshots, BM25, chunking) over a few example articles, with fakes only at the model ports:
the subject here is the HTTP layer, and the fakes keep a few hundred requests within seconds.
"""

from __future__ import annotations

import os
import shutil
import uuid
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI, Request
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.generation.case import Case

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.config import Settings
from indexer.jobs.job_service import JobService
from search_api.app import create_app
from tests.builders import EXAMPLES, fake_model_services
from tests.fakes import RecordingJobQueue

TOKEN = "fuzz-editor-token"
ARTICLES = ("redis-caching-patterns.md", "celery-retries-2022.md", "postgresql-row-locking.md")
# Few examples per operation and mode keep 13 operations x 2 modes within the suite's budget;
# FOOTNOTE_FUZZ_EXAMPLES=200 makes a deeper, randomised run.
MAX_EXAMPLES = int(os.environ.get("FOOTNOTE_FUZZ_EXAMPLES", "10"))
DEEP = "FOOTNOTE_FUZZ_EXAMPLES" in os.environ


# The routes alone: the lifespan never runs, so no services are built for this.
SCHEMA = create_app(settings=Settings(_env_file=None)).openapi()
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=not DEEP,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app over a small real index, built once for every operation's fuzzing."""
    root = tmp_path_factory.mktemp("fuzz")
    source = root / "articles"
    source.mkdir()
    for name in ARTICLES:
        shutil.copy(EXAMPLES / "articles" / name, source / name)
    settings = Settings(
        data_dir=root / "data",
        source_dir=source,
        editor_token=SecretStr(TOKEN),
        # Off: hundreds of requests a minute from one client would otherwise mostly meet 429s.
        rate_limit_search="0",
        rate_limit_ask="0",
        _env_file=None,
    )
    services = fake_model_services(settings)
    services.indexing.sync_source(source)
    jobs = JobService(SqliteJobStore(root / "jobs.sqlite"), RecordingJobQueue())
    app = create_app(services, jobs=jobs)
    (root / "jobs").mkdir()

    @app.middleware("http")
    async def own_job_store(request: Request, call_next: Any) -> Any:
        """Each request on a job store of its own: the cases are independent requests, and
        two of them drawing the same Idempotency-Key for different bodies would otherwise
        meet the 422 that reusing a key gets (tested in tests/unit/test_jobs_api_limits.py).
        Done here, not in the test: Hypothesis seeds its examples from the test's source."""
        store = SqliteJobStore(root / "jobs" / f"{uuid.uuid4().hex}.sqlite")
        request.app.state.jobs = JobService(store, RecordingJobQueue())
        return await call_next(request)

    assert app.openapi() == SCHEMA
    return app


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_request_gets_a_server_error_or_an_undocumented_response(
    app: FastAPI, case: Case[Any]
) -> None:
    if case.path.startswith("/admin"):
        # A valid token, so the fuzzing reaches the handlers behind it; the refusals of a
        # missing or wrong token are tested in tests/unit/test_jobs_api.py.
        case.headers["Authorization"] = f"Bearer {TOKEN}"
    case.call_and_validate(app=app)
