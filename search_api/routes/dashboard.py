"""The editors' dashboard: a static page; its script signs in and reads /admin/api."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)
PAGE = Path(__file__).resolve().parent.parent / "templates" / "admin.html"


@router.get("/admin")
def dashboard() -> FileResponse:
    # No data in the page itself: nothing shows until the editor's token has been accepted.
    return FileResponse(PAGE, media_type="text/html")
