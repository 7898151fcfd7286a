"""Ports of sync: fetching a source's listing and pages over HTTP, and remembering per source and
per page what was seen, so the next poll asks only for what changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

GONE = frozenset({404, 410})


@dataclass(frozen=True)
class Validators:
    """What a server said about a response, sent back to ask "changed since?" (RFC 9110)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchScope:
    """Whose fetch this is: the source's host (redirects must stay on it) and whether private,
    loopback and link-local addresses may be fetched for it."""

    host: str
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    """A fetch's answer: 200 with the body as text, 304 (the validators still hold: no body),
    or 404/410 (gone). `url` is where the answer came from, after redirects."""

    url: str
    status: int
    text: str = ""
    validators: Validators = field(default_factory=Validators)

    @property
    def gone(self) -> bool:
        return self.status in GONE

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher(Protocol):
    def fetch(self, url: str, scope: FetchScope, validators: Validators | None = None) -> Fetched:
        """GET `url` politely (robots.txt, own User-Agent, a few requests at once per host,
        timeouts, a size cap, retries with backoff) and conditionally when `validators` are given.

        Raises FetchRefused when the rules forbid it (the host is not configured or not the
        scope's, it resolves to a private address the scope does not allow, robots.txt
        disallows it, a redirect leaves the host, the body is over the cap) and FetchFailed when
        it could not be had (timeouts, connection errors, 5xx after retries, other statuses).
        Safe to call from several threads at once."""


@dataclass(frozen=True)
class PageState:
    """What the last polls saw of one page of a source."""

    url: str
    article_id: str | None = None
    """The article indexed from this page (None: none yet, or it was removed)."""
    validators: Validators = field(default_factory=Validators)
    lastmod: str | None = None
    """The listing's date for the page (a sitemap's <lastmod>) when it was last fetched."""
    listed: bool = True
    """Whether the source's listing named it at the last poll that read the listing."""
    strikes: int = 0
    """Polls in a row on which the page answered 404 or 410."""
    error: str | None = None
    checked_at: float | None = None


@dataclass(frozen=True)
class SourceState:
    """A source's last poll and the validators of its listing (feed or sitemap)."""

    key: str
    validators: Validators = field(default_factory=Validators)
    started_at: float | None = None
    finished_at: float | None = None
    outcome: str | None = None
    """ok, partial (some pages failed), or failed (the source itself did)."""
    error: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


class SyncStateStore(Protocol):
    """Per source and per page sync state, shared by every process polling the same data
    directory."""

    def claim(self, key: str, now: float, lease_s: float) -> bool:
        """Mark a poll of `key` started at `now`, unless another poll of it holds an unexpired
        claim. Atomic across processes: of two pollers, exactly one gets True."""

    def source(self, key: str) -> SourceState | None: ...

    def pages(self, key: str) -> dict[str, PageState]:
        """Every page remembered for the source, by URL."""

    def finish(
        self, run: SourceState, pages: Sequence[PageState] = (), forget: Sequence[str] = ()
    ) -> None:
        """Record a finished poll, upsert `pages` and forget the pages at the URLs `forget`,
        in one transaction; releases the claim."""
