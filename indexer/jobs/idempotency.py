"""Idempotency keys: a client's retry gets the job its first try started, and nothing else.

A key is scoped to the client that sent it (the API says who: the editor token for editors,
the address for readers), so two clients who happen to pick the same key get two jobs. And a
key is bound to the request it first came with (the kind of job and its validated payload): the
same key with another request is refused, where it used to return the first request's job (a
different question got the first one's answer; an edited article was never indexed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def scoped_key(key: str, client: str | None) -> str:
    """The key as stored: a digest of the client (an address or a token has no place in a job
    record), then the client's own key."""
    scope = hashlib.sha256((client or "").encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{scope}:{key}"


def request_hash(kind: str, payload: Mapping[str, Any]) -> str:
    """A digest of what was asked for, the same for the same request however its JSON was
    spelled (key order, spacing)."""
    canonical = json.dumps({"kind": kind, "payload": payload}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
