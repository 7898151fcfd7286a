"""`/embed.js` and its modules, in process: loadable as module scripts by any site, cached
briefly, while the data endpoints stay behind the CORS allow-list."""

from __future__ import annotations

import gzip
import re

from fastapi.testclient import TestClient

from indexer.bootstrap import Services
from tests.builders import Client

HOST = "https://blog.example.org"
STRANGER = "https://elsewhere.example.net"


def test_embed_js_is_a_module_any_site_may_load_with_a_cache_header(
    make_client: Client, fake_services: Services
) -> None:
    client = make_client(cors_origins=[HOST])
    for origin in (HOST, STRANGER):
        response = client.get("/embed.js", headers={"Origin": origin})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")
        assert response.headers["access-control-allow-origin"] in (origin, "*")
        assert response.headers["cross-origin-resource-policy"] == "cross-origin"
        assert re.search(r"max-age=\d+", response.headers["cache-control"])
        assert response.headers["etag"]
        assert 'customElements.define("footnote-search"' in response.text


def loaded_modules(client: TestClient) -> list[str]:
    """Every path a host page fetches: /embed.js and what it imports, and so on down."""
    seen = ["/embed.js"]
    for path in seen:
        response = client.get(path)
        assert response.status_code == 200, path
        folder = path.rsplit("/", 1)[0]
        for name in re.findall(r'from "\./((?:embed/)?\w+)\.js"', response.text):
            found = f"/{name}.js" if path == "/embed.js" else f"{folder}/{name}.js"
            if found not in seen:
                seen.append(found)
    return seen


def test_every_module_embed_js_imports_is_served(
    make_client: Client, fake_services: Services
) -> None:
    client = make_client()
    modules = loaded_modules(client)
    assert "/embed/ask.js" in modules and "/embed/links.js" in modules
    for path in modules:
        part = client.get(path, headers={"Origin": STRANGER})
        assert part.status_code == 200 and part.headers["access-control-allow-origin"] == "*"
    assert client.get("/embed/../app.js").status_code == 404
    assert client.get("/embed/secrets.js").status_code == 422


def test_search_answers_a_stranger_origin_without_cors_headers(
    make_client: Client, fake_services: Services
) -> None:
    client = make_client(cors_origins=[HOST])
    allowed = client.get("/search", params={"q": "x"}, headers={"Origin": HOST})
    refused = client.get("/search", params={"q": "x"}, headers={"Origin": STRANGER})
    assert allowed.headers["access-control-allow-origin"] == HOST
    assert "access-control-allow-origin" not in refused.headers


def test_what_a_host_page_loads_is_at_most_30_kb_gzipped(
    make_client: Client, fake_services: Services
) -> None:
    client = make_client()
    sizes = [len(gzip.compress(client.get(path).content)) for path in loaded_modules(client)]
    assert sum(sizes) <= 30 * 1024


def test_the_reader_page_runs_the_component_and_preloads_every_module_it_imports(
    make_client: Client, fake_services: Services
) -> None:
    client = make_client()
    html = client.get("/").text
    assert '<script type="module" src="/embed.js"></script>' in html
    assert '<footnote-search layout="page"' in html
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    assert sorted(preloaded) == sorted(loaded_modules(client)[1:])
