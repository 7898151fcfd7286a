"""Probe step 6: article ids from the path are taken exactly as sent, or refused with a 422.

`PUT /admin/articles/%0d%0aX-Injected:%201` used to store the article as `X-Injected: 1` (the
loader stripped the line break), so a DELETE on the same path found nothing; NUL, `..`, bidi
and zero-width characters were accepted as they came.
"""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.hygiene.conftest import EDITOR, Server

pytestmark = pytest.mark.integration

ARTICLE = {
    "title": "Quokka notes",
    "body": "## Notes\n\nThe quokka-ledger trick keeps caches warm.",
}


@pytest.mark.parametrize(
    "raw_id",
    [
        "%0d%0aX-Injected:%201",  # a header line smuggled into the id
        "abc%00def",  # NUL
        "%2E%2E",  # .. (escaped, so no client folds it away)
        "%2E",
        "pay%E2%80%AEfdp.exe",  # right-to-left override
        "quokka%E2%80%8Bnotes",  # zero-width space
        "quokka%20notes",
        "%0Aquokka",  # a line break the loader used to strip
        "x" * 201,
    ],
)
def test_an_article_id_outside_the_alphabet_is_refused_with_a_422(
    editor_server: Server, raw_id: str
) -> None:
    response = editor_server.put_article(raw_id, ARTICLE)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_article"
    assert "article id" in body["detail"] and "letters" in body["detail"]


def test_an_id_is_stored_exactly_as_the_path_gives_it_and_deleted_by_the_same_path(
    editor_server: Server,
) -> None:
    article_id = "2024-05_Quokka.notes~v2"
    response = editor_server.put_article(article_id, ARTICLE)
    assert response.status_code == 202, response.text
    job = editor_server.wait_for(response.json()["job_id"])
    assert job["state"] == "succeeded", job

    stored = editor_server.get(f"/articles/{article_id}")
    assert stored.status_code == 200, stored.text
    assert stored.json()["article_id"] == article_id
    found = editor_server.get("/search", q="quokka-ledger trick", mode="bm25").json()
    assert found["results"][0]["article_id"] == article_id

    deleted = httpx.delete(
        f"{editor_server.url}/admin/articles/{article_id}", headers=EDITOR, timeout=30
    )
    assert deleted.status_code == 202, deleted.text
    assert editor_server.wait_for(deleted.json()["job_id"])["state"] == "succeeded"
    assert editor_server.get(f"/articles/{article_id}").status_code == 404


def test_the_probe_s_smuggled_header_id_left_no_article_behind(editor_server: Server) -> None:
    editor_server.put_article("%0d%0aX-Injected:%201", ARTICLE)
    assert editor_server.get("/articles/X-Injected:%201").status_code == 404
