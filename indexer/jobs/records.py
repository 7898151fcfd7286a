"""Jobs: slow work (answers, re-indexing) that clients submit and then poll or stream.

A job's record lives in a JobStore (Redis in production, SQLite on one machine) so that the API
and every worker see the same state; a JobQueue hands the job's id to a worker (both ports are
in `indexer.ports`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

JobKind = Literal["ask", "reindex", "upsert", "delete"]
JobState = Literal["queued", "running", "succeeded", "failed", "cancelled", "expired"]
# expired: a reader's job that waited in the queue longer than its reader would; never run.
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "cancelled", "expired"})


@dataclass
class Job:
    id: str
    kind: str
    state: str = "queued"
    params: dict[str, Any] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    heartbeat_at: float | None = None
    done: int = 0
    total: int = 0
    attempts: int = 0
    error: str | None = None
    result: dict[str, Any] | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None
    """What the idempotency key was first used for: a replay must match it."""
    request_id: str | None = None

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the current pace, once there is a pace to go by."""
        if self.state != "running" or not self.started_at or not self.total or not self.done:
            return None
        elapsed = time.time() - self.started_at
        return round(elapsed / self.done * (self.total - self.done), 1)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["eta_s"] = self.eta_s
        return data


@dataclass(frozen=True)
class JobEvent:
    id: str
    kind: str  # status, progress, token, result, error
    data: Mapping[str, Any]
