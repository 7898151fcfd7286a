"""Probe step 9: HTTP responses name no server paths (the logs still do).

Before any index, `/search` answered 503 "no index has been built in /abs/data yet"; a failed
job's error showed the absolute directory it was about to anyone holding its id.
"""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.hygiene.conftest import EDITOR, Server

pytestmark = pytest.mark.integration


def test_the_503_before_any_index_names_no_server_path(bare_server: Server) -> None:
    root = str(bare_server.data_dir.parent)
    for path in ("/search?q=celery", "/readyz", "/articles/anything/related"):
        response = httpx.get(f"{bare_server.url}{path}", timeout=30)
        assert response.status_code == 503, response.text
        assert root not in response.text
    detail = httpx.get(f"{bare_server.url}/search?q=celery", timeout=30).json()["detail"]
    assert "no index has been built in [data dir] yet" in detail
    assert root in bare_server.log.read_text()  # the operator still sees where


def test_a_failed_job_s_error_names_no_server_path(bare_server: Server) -> None:
    started = httpx.post(f"{bare_server.url}/admin/reindex", headers=EDITOR, timeout=30)
    assert started.status_code == 202, started.text
    job = bare_server.wait_for(started.json()["job_id"])
    assert job["state"] == "failed"
    assert job["error"] == "[source dir]: no such file or folder"
    root = str(bare_server.data_dir.parent)
    events = httpx.get(
        f"{bare_server.url}/jobs/{job['id']}/events", headers=EDITOR, timeout=30
    ).text
    assert "no such file or folder" in events and root not in events
    assert f"{root}/no-such-source: no such file or folder" in bare_server.log.read_text()
