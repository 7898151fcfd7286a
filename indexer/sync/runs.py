"""What a poll found (filled in as it goes, then applied in one commit) and what is reported
about it: a source's run, and its status for `footnote sync --json` and the dashboard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from indexer.config import SyncSource
from indexer.model import Article
from indexer.ports import PageState, SourceState, Validators

ERRORS_KEPT = 20


@dataclass
class Poll:
    """One poll's findings: articles to upsert and remove, page states to save or forget."""

    validators: Validators = field(default_factory=Validators)
    """The listing's validators to keep for the next poll."""
    upserts: dict[str, Article] = field(default_factory=dict)
    removals: list[str] = field(default_factory=list)
    pages: list[PageState] = field(default_factory=list)
    forget: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def upsert(self, article: Article) -> None:
        if article.id in self.upserts:
            first = self.upserts[article.id].source_path
            self.fail(f"{article.source_path}: duplicate id {article.id!r}, first seen in {first}")
            return
        self.upserts[article.id] = article

    def remove(self, article_id: str | None) -> None:
        if article_id is not None and article_id not in self.removals:
            self.removals.append(article_id)

    def fail(self, error: str) -> None:
        self.counts["failed"] += 1
        self.errors.append(error)


@dataclass(frozen=True)
class SourceRun:
    """One poll of one source: `outcome` is ok, partial (some pages failed), failed (the source
    itself did: nothing changed) or busy (another poll of it was running: nothing done)."""

    key: str
    kind: str
    outcome: str
    started_at: float
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "busy")

    def state(self, validators: Validators) -> SourceState:
        return SourceState(
            key=self.key,
            validators=validators,
            started_at=self.started_at,
            finished_at=self.started_at + self.seconds,
            outcome=self.outcome,
            error=self.error,
            counts=self.counts,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.key,
            "kind": self.kind,
            "outcome": self.outcome,
            "started_at": _iso(self.started_at),
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "error": self.error,
            "errors": list(self.errors),
        }


def summary(errors: list[str]) -> str | None:
    """One line for the run's `error`: the first failure and how many more there were."""
    if not errors:
        return None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return errors[0] + more


@dataclass(frozen=True)
class SourceStatus:
    """A configured source with its last run, as the dashboard and `footnote sync` show it."""

    source: SyncSource
    last: SourceState | None
    pages: int
    failing: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        last = self.last
        ran = last is not None and last.outcome is not None
        return {
            "source": self.source.key,
            "kind": self.source.kind,
            "url": self.source.url,
            "path": str(self.source.path) if self.source.path else None,
            "every_s": self.source.every_s,
            "last_run": None
            if not ran or last is None
            else {
                "started_at": _iso(last.started_at),
                "finished_at": _iso(last.finished_at),
                "outcome": last.outcome,
                "error": last.error,
                "counts": dict(last.counts),
            },
            "next_due_at": _iso(last.started_at + self.source.every_s)
            if last and last.started_at
            else None,
            "pages": self.pages,
            "failing_pages": list(self.failing[:ERRORS_KEPT]),
        }


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
