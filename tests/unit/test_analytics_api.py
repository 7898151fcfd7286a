"""Analytics over HTTP: searches recorded with an id, opens reported, the dashboard's API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from indexer.adapters.sqlite_analytics import SqliteSearchLog
from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.bootstrap import Services
from indexer.jobs.job_service import JobService
from search_api.app import create_app
from tests.builders import sections, write_article
from tests.fakes import RecordingJobQueue

TOKEN = "dashboard-token"
EDITOR = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(fake_services: Services, tmp_path: Path) -> Iterator[TestClient]:
    source = tmp_path / "articles"
    write_article(source, "redis-caching", sections("Expiry", "Stampedes"))
    fake_services.indexing.sync_source(source)
    fake_services.settings = fake_services.settings.model_copy(
        update={"editor_token": SecretStr(TOKEN)}
    )
    jobs = JobService(SqliteJobStore(tmp_path / "jobs.sqlite"), RecordingJobQueue())
    with TestClient(create_app(fake_services, jobs=jobs)) as test_client:
        yield test_client


def stored(client: TestClient, fake_services: Services) -> SqliteSearchLog:
    client.app.state.recorder.flush()  # type: ignore[attr-defined]
    return SqliteSearchLog(fake_services.settings.data_dir / "analytics.sqlite")


def test_a_search_is_recorded_normalised_and_its_opens_under_its_id(
    client: TestClient, fake_services: Services
) -> None:
    body = client.get("/search", params={"q": "  Redis   EXPIRY? "}).json()
    assert body["query_id"]
    opened = client.post(
        "/events/open", json={"query_id": body["query_id"], "article_id": "redis-caching"}
    )
    assert opened.status_code == 204
    log = stored(client, fake_services)
    [query] = log.queries(0)
    assert (query.text, query.kind, query.results) == ("redis expiry", "search", body["total"])
    assert [(o.query_id, o.article_id) for o in log.opens(0)] == [
        (body["query_id"], "redis-caching")
    ]


def test_a_malformed_open_report_is_a_422(client: TestClient) -> None:
    response = client.post("/events/open", json={"query_id": "../x", "article_id": ""})
    assert response.status_code == 422


def test_metrics_count_dropped_analytics_events(client: TestClient) -> None:
    assert "footnote_analytics_dropped_total 0.0" in client.get("/metrics").text


def test_the_dashboard_api_refuses_a_wrong_token_and_shows_nothing(client: TestClient) -> None:
    for path in ("/admin/api/overview", "/admin/api/jobs", "/admin/api/reports/gaps"):
        response = client.get(path, headers={"Authorization": "Bearer wrong"})
        assert response.status_code == 403
        assert "articles" not in response.text and "gaps" not in response.text


def test_the_dashboard_api_shows_the_index_jobs_and_gaps(
    client: TestClient, fake_services: Services
) -> None:
    client.get("/search", params={"q": "redis", "mode": "bm25"})
    client.get("/search", params={"q": "zzzqqq", "mode": "bm25"})
    client.post("/admin/reindex", headers=EDITOR)
    stored(client, fake_services)
    overview = client.get("/admin/api/overview", headers=EDITOR).json()
    assert overview["index"]["articles"] == 1 and overview["sources"] == []
    jobs = client.get("/admin/api/jobs", headers=EDITOR).json()["jobs"]
    assert [job["kind"] for job in jobs] == ["reindex"]
    gaps = client.get("/admin/api/reports/gaps", headers=EDITOR).json()
    assert [row["topic"] for row in gaps["gaps"]] == ["zzzqqq"]
    top = client.get("/admin/api/reports/queries", headers=EDITOR).json()
    assert {row["text"] for row in top["top"]} == {"redis", "zzzqqq"}


def test_the_dashboard_page_carries_no_data_and_no_inline_script(client: TestClient) -> None:
    page = client.get("/admin")
    assert page.status_code == 200
    assert '<script src="/static/admin.js" defer></script>' in page.text
    assert "<script>" not in page.text and "style=" not in page.text


def test_a_search_sent_with_record_false_is_not_counted_and_has_no_id(
    client: TestClient, fake_services: Services
) -> None:
    typing = client.get("/search", params={"q": "redi", "record": "false"}).json()
    settled = client.get("/search", params={"q": "redis expiry", "record": "0"}).json()
    assert typing["query_id"] is None and settled["query_id"] is None
    counted = client.get("/search", params={"q": "redis expiry"}).json()
    assert counted["query_id"]
    assert [q.text for q in stored(client, fake_services).queries(0)] == ["redis expiry"]
