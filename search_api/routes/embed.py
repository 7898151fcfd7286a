"""The reader interface: `/embed.js` (an ES module defining <footnote-search>) and the modules
it imports, for any site to load with one script tag, and for Footnote's own page `/`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)
# What embed.js imports, directly or through each other (tests/unit/test_api_embed.py follows
# the imports); `/` preloads them all.
Module = Literal["ask", "dom", "keys", "links", "markup", "results", "searcher", "style"]
MODULES: tuple[str, ...] = get_args(Module)
FOLDER = Path(__file__).resolve().parent.parent / "static" / "embed"
HEADERS = {
    # Module scripts are fetched in CORS mode: every site may load the code, which holds no
    # data; what it reads from /search and /ask stays behind FOOTNOTE_CORS_ORIGINS, so on other
    # sites the widget loads and says search is unavailable.
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
    # Short, and revalidated by ETag after: an upgraded server reaches readers within the hour
    # without a versioned URL in every host page.
    "Cache-Control": "public, max-age=3600, stale-while-revalidate=86400",
}


def _module(path: Path) -> FileResponse:
    return FileResponse(path, media_type="text/javascript; charset=utf-8", headers=HEADERS)


@router.get("/embed.js")
async def embed() -> FileResponse:
    return _module(FOLDER / "footnote-search.js")


@router.get("/embed/{name}.js")
async def embed_part(name: Module) -> FileResponse:
    return _module(FOLDER / f"{name}.js")
