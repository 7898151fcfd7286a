"""The editor token: what the /admin routes require, and what reading an editor's job needs."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException

from indexer.config import Settings
from search_api.deps import ServicesDep

Authorization = Annotated[str | None, Header(max_length=1000)]


def check_editor(settings: Settings, authorization: str | None) -> str:
    """The editor's token when `authorization` carries the right one; else 401 (no bearer
    token), or 403 (a wrong one, or no token configured)."""
    expected = settings.editor_token
    if expected is None:
        raise HTTPException(403, "editor endpoints are disabled: set FOOTNOTE_EDITOR_TOKEN")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise HTTPException(
            401,
            "send the editor token as `Authorization: Bearer TOKEN`",
            {"WWW-Authenticate": "Bearer"},
        )
    # Constant-time comparison: response timing must not reveal how much of a guess matched.
    if not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise HTTPException(403, "the editor token is not valid")
    return given


def require_editor(services: ServicesDep, authorization: Authorization = None) -> str:
    """The requesting editor as the job service scopes idempotency keys: by the token (the
    service keeps only a digest of it)."""
    return f"editor:{check_editor(services.settings, authorization)}"


# The router's dependency and a route's parameter are one call per request (FastAPI caches it).
EditorClient = Annotated[str, Depends(require_editor)]
