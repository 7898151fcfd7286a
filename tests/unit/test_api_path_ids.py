"""Articles whose ids are paths (`posts/bundle`) are served like any other."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from indexer.bootstrap import Services
from indexer.ingest import SourceOptions
from search_api.app import create_app

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"


def test_an_article_whose_id_holds_slashes_and_its_related_articles_are_served(
    fake_services: Services,
) -> None:
    fake_services.indexing.sync_source(
        SITES / "hugo", options=SourceOptions(today=date(2026, 1, 1))
    )

    with TestClient(create_app(fake_services)) as client:
        article = client.get("/articles/posts/toml-front-matter")
        related = client.get("/articles/posts/toml-front-matter/related", params={"k": 2})
        missing = client.get("/articles/posts/nope")

    assert article.status_code == 200, article.text
    assert (
        article.json()["url"] == "https://hugo.example.com/field-notes/posts/2023/11/pool-sizing/"
    )
    assert related.status_code == 200 and related.json()["related"]
    assert missing.status_code == 404
