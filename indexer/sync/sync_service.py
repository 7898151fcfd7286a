"""Following the configured sources: each poll of a source reads what changed and applies it to
the index in one commit, then remembers what it saw. A source that fails is recorded as failed
and the others go on."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from indexer.config import SyncSource
from indexer.errors import FootnoteError, NotFound
from indexer.index.indexing_service import IndexingService
from indexer.model import IndexReport
from indexer.ports import Fetcher, SyncStateStore, Validators
from indexer.sync.follow import FOLLOWERS, Follow
from indexer.sync.runs import ERRORS_KEPT, Poll, SourceRun, SourceStatus, summary

log = logging.getLogger(__name__)

# How long a poll may hold its source before another poller takes it for dead.
CLAIM_S = 900.0


class SyncService:
    def __init__(
        self,
        sources: Sequence[SyncSource],
        fetcher: Fetcher,
        state: SyncStateStore,
        indexing: IndexingService,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sources = {source.key: source for source in sources}
        self._fetcher = fetcher
        self._state = state
        self._indexing = indexing
        self._clock = clock

    @property
    def sources(self) -> list[SyncSource]:
        return list(self._sources.values())

    def poll_due(self, slack_s: float = 0.0) -> list[SourceRun]:
        """Poll each source whose interval has passed since its last poll started (less
        `slack_s`, so a periodic caller's jitter does not skip a whole tick)."""
        now = self._clock()
        due = []
        for source in self._sources.values():
            last = self._state.source(source.key)
            if last is None or last.started_at is None:
                due.append(source)
            elif now - last.started_at >= source.every_s - slack_s:
                due.append(source)
        return [self.poll(source) for source in due]

    def poll_all(self, keys: Sequence[str] = ()) -> list[SourceRun]:
        """Poll every source now (or those named by `keys`), whatever their schedule."""
        for key in keys:
            if key not in self._sources:
                raise NotFound(f"no sync source named {key!r}; known: {sorted(self._sources)}")
        chosen = [self._sources[key] for key in keys] if keys else self.sources
        return [self.poll(source) for source in chosen]

    def poll(self, source: SyncSource) -> SourceRun:
        """Follow one source once. Never raises for the source's own failures: the run says
        what happened, and is recorded."""
        started = self._clock()
        if not self._state.claim(source.key, started, CLAIM_S):
            return SourceRun(source.key, source.kind, "busy", started, 0.0, {}, "already polling")
        last = self._state.source(source.key)
        validators = last.validators if last else Validators()
        try:
            poll, report = self._follow(source, validators, started)
        except FootnoteError as exc:
            run = SourceRun(
                source.key, source.kind, "failed", started, self._clock() - started, {}, str(exc)
            )
            log.warning("sync %s failed: %s", source.key, exc)
            self._state.finish(run.state(validators))
            return run
        except BaseException as exc:
            # A bug or an interruption: release the source now, not when the claim expires,
            # and let it propagate.
            error = f"stopped by {type(exc).__name__}; see the logs"
            run = SourceRun(source.key, source.kind, "failed", started, 0.0, {}, error)
            self._state.finish(run.state(validators))
            raise
        counts = {**poll.counts, **_index_counts(report)}
        run = SourceRun(
            key=source.key,
            kind=source.kind,
            outcome="partial" if poll.errors else "ok",
            started_at=started,
            seconds=self._clock() - started,
            counts=dict(sorted(counts.items())),
            error=summary(poll.errors),
            errors=tuple(poll.errors[:ERRORS_KEPT]),
        )
        # Saved only after the index committed: a crash in between fetches the pages again
        # next time instead of taking them for unchanged.
        self._state.finish(run.state(poll.validators), poll.pages, poll.forget)
        log.info("sync %s: %s %s", source.key, run.outcome, run.counts)
        return run

    def status(self) -> list[SourceStatus]:
        """Each configured source with its last run and the pages that failed last time."""
        return source_statuses(self.sources, self._state)

    def _follow(
        self, source: SyncSource, validators: Validators, now: float
    ) -> tuple[Poll, IndexReport]:
        if source.kind == "folder":
            assert source.path is not None
            report = self._indexing.sync_source(source.path)
            poll = Poll()
            for failure in report.failed:
                poll.fail(str(failure))
            return poll, report
        known = self._state.pages(source.key)
        poll = FOLLOWERS[source.kind](Follow(source, self._fetcher, now), validators, known)
        report = self._indexing.apply(list(poll.upserts.values()), poll.removals)
        return poll, report


def source_statuses(sources: Sequence[SyncSource], state: SyncStateStore) -> list[SourceStatus]:
    """What `SyncService.status` says, for a process that only reads (no index writer)."""
    statuses = []
    for source in sources:
        pages = state.pages(source.key)
        failing = tuple(f"{page.url}: {page.error}" for page in pages.values() if page.error)
        statuses.append(SourceStatus(source, state.source(source.key), len(pages), failing))
    return statuses


def _index_counts(report: IndexReport) -> dict[str, int]:
    return {
        "added": len(report.added),
        "updated": len(report.updated),
        "deleted": len(report.deleted),
        "unchanged": report.unchanged,
    }
