"""HTTP responses and job records name no server directory; the log still does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.jobs.job_service import JobService
from indexer.model import Article
from indexer.server_paths import ServerPaths
from search_api.app import create_app
from tests.fakes import RecordingJobQueue

TOKEN = "paths-editor-token"


def test_configured_directories_become_neutral_words(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", source_dir=tmp_path / "src", _env_file=None  # type: ignore[call-arg]
    )
    hide = ServerPaths.of(settings).hide
    assert hide(f"no index has been built in {tmp_path}/data yet") == (
        "no index has been built in [data dir] yet"
    )
    assert hide(f"'{tmp_path}/data/snapshots/00000002': gone") == (
        "'[data dir]/snapshots/00000002': gone"
    )
    assert hide(f"{tmp_path}/src/a.md:3: bad YAML") == "[source dir]/a.md:3: bad YAML"
    # A directory counts as a whole path component, and relative paths name nothing.
    assert "[data dir]" not in hide(f"{tmp_path}/data2/x")
    assert hide("data/snapshots is fine") == "data/snapshots is fine"
    assert str(tmp_path) not in hide(f"{tmp_path}/elsewhere")  # under the temporary directory


def test_a_relative_data_dir_is_hidden_in_its_resolved_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(data_dir=Path("data"), _env_file=None)  # type: ignore[call-arg]
    assert ServerPaths.of(settings).hide(f"{tmp_path}/data/footnote.db") == "[data dir]/footnote.db"


@pytest.fixture
def client(fake_services: Services, settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    fake_services.settings = settings.model_copy(update={"editor_token": SecretStr(TOKEN)})
    store = SqliteJobStore(tmp_path / "jobs.sqlite")
    jobs = JobService(store, RecordingJobQueue(), ServerPaths.of(fake_services.settings).hide)
    with TestClient(create_app(fake_services, jobs=jobs)) as test_client:
        yield test_client


def test_the_503_before_any_index_names_no_path(client: TestClient, settings: Settings) -> None:
    for path in ("/search?q=redis", "/readyz", "/?q=redis"):
        response = client.get(path)
        assert response.status_code == 503, response.text
        assert str(settings.data_dir) not in response.text
    assert "no index has been built in [data dir] yet" in client.get("/search?q=x").text


def test_a_job_error_is_stored_without_the_path_it_names(
    client: TestClient, settings: Settings
) -> None:
    jobs: JobService = client.app.state.jobs  # type: ignore[attr-defined]
    job, _ = jobs.submit("reindex", {})
    jobs.start(job.id)
    jobs.fail(job.id, f"{settings.data_dir}/snapshots/00000001/vectors.faiss: unreadable")
    editor = {"Authorization": f"Bearer {TOKEN}"}
    shown = client.get(f"/jobs/{job.id}", headers=editor).json()
    assert shown["error"] == "[data dir]/snapshots/00000001/vectors.faiss: unreadable"
    events = client.get(f"/jobs/{job.id}/events", headers=editor).text
    assert str(settings.data_dir) not in events and "[data dir]/snapshots" in events


def test_readiness_names_the_refused_file_without_the_server_path(
    client: TestClient, fake_services: Services, settings: Settings
) -> None:
    for name in ("a", "b"):
        article = Article(id=name, title=name, text=f"## P\n\n{name} words", source_path="api")
        fake_services.indexing.index_article(article)
        client.get("/search?q=words")
    shutil.rmtree(settings.snapshot_dir / "00000002")
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["unreadable"]["file"] == "[data dir]/snapshots/00000002"
    assert str(settings.data_dir) not in str(body)
