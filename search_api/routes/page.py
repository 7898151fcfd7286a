"""The reader's search page: the <footnote-search> component inline, over a server-rendered page
that works without JavaScript too."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from indexer.errors import FootnoteError
from indexer.ingest.fields import url_problem
from search_api.deps import ServicesDep, in_search_thread
from search_api.errors import public_text, status_for
from search_api.presenters import search_response
from search_api.routes.embed import MODULES
from search_api.schemas import SearchResponse

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
# Only links the loaders would accept become hrefs: an index built before they checked urls
# may still hold one that leads off the site.
templates.env.tests["web_link"] = lambda url: bool(url) and url_problem(str(url)) is None


@router.get("/", response_class=HTMLResponse)
async def page(
    request: Request,
    services: ServicesDep,
    q: str = "",
    mode: str = "hybrid",
) -> HTMLResponse:
    # The page never answers with JSON: bad input is shown on the page itself.
    response: SearchResponse | None = None
    error: str | None = None
    status = 200
    if q.strip():
        try:
            response = await in_search_thread(
                request, lambda: search_response(services.search.search(q, k=10, mode=mode))
            )
        except FootnoteError as exc:
            error = public_text(request, str(exc))
            status, _ = status_for(exc)
    return templates.TemplateResponse(
        request,
        "page.html",
        {
            "query": q,
            "mode": mode,
            "response": response,
            "error": error,
            "static_url": "/static",
            "modules": MODULES,
        },
        status_code=status,
    )
