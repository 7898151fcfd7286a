"""Fixtures the unit suite's API and sync tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eval.bench.site import Site
from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.jobs.job_service import JobService
from search_api.app import create_app
from tests.builders import Client
from tests.fakes import RecordingJobQueue


@pytest.fixture
def make_client(fake_services: Services, settings: Settings, tmp_path: Path) -> Iterator[Client]:
    """A TestClient over an app whose settings take the given overrides."""
    opened: list[TestClient] = []
    jobs = JobService(SqliteJobStore(tmp_path / "jobs.sqlite"), RecordingJobQueue())

    def make(client: tuple[str, int] = ("10.0.0.1", 5000), **overrides: Any) -> TestClient:
        fake_services.settings = settings.model_copy(update=overrides)
        test_client = TestClient(create_app(fake_services, jobs=jobs), client=client)
        opened.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


@pytest.fixture
def site() -> Iterator[Site]:
    """A local website on 127.0.0.1 that the test changes between polls."""
    with Site().serving() as serving:
        yield serving
