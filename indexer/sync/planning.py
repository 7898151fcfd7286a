"""What a poll does, decided from the listing and what earlier polls saw: which pages to fetch,
which to probe, which are gone. Pure functions over PageState; no I/O.

The rules: a page is fetched when it is new, when the listing dates it differently than when it
was last fetched (or gives no date), or when its last fetch failed or found it gone. A page
answering 404 or 410 on GONE_AFTER polls in a row is gone; so, at once, is a page a sitemap no
longer lists. A feed names only its latest entries, so a page that falls out of it is probed,
never deleted for that alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from indexer.ports import Fetched, PageState
from indexer.sync.sitemap import Listed

GONE_AFTER = 2


def pages_to_fetch(listed: Sequence[Listed], known: Mapping[str, PageState]) -> list[Listed]:
    return [entry for entry in listed if _needs_fetch(entry, known.get(entry.url))]


def _needs_fetch(entry: Listed, page: PageState | None) -> bool:
    if page is None or page.article_id is None or page.error or page.strikes:
        return True
    return entry.lastmod is None or entry.lastmod != page.lastmod


def unlisted(listed: Iterable[str], known: Mapping[str, PageState]) -> list[PageState]:
    """Known pages the listing no longer names."""
    names = set(listed)
    return [page for url, page in known.items() if url not in names]


def to_probe(known: Iterable[PageState], limit: int) -> list[PageState]:
    """Indexed pages no longer listed, least recently checked first, at most `limit`: a feed's
    past entries are each checked in turn, a few per poll."""
    candidates = [page for page in known if not page.listed and page.article_id is not None]
    candidates.sort(key=lambda page: page.checked_at or 0.0)
    return candidates[:limit]


def seen(page: PageState, fetched: Fetched, now: float, lastmod: str | None) -> PageState:
    """The page answered (200 or 304): it is alive, and these are its new validators."""
    validators = page.validators if fetched.not_modified else fetched.validators
    return replace(
        page, validators=validators, lastmod=lastmod, strikes=0, error=None, checked_at=now
    )


def struck(page: PageState, now: float) -> tuple[PageState, bool]:
    """The page answered 404 or 410: one strike more, and whether that makes it gone."""
    strikes = page.strikes + 1
    gone = strikes >= GONE_AFTER
    article_id = None if gone else page.article_id
    updated = replace(page, strikes=strikes, article_id=article_id, error=None, checked_at=now)
    return updated, gone


def failed(page: PageState, error: str, now: float) -> PageState:
    """The fetch failed: remember why; everything else stays as it was."""
    return replace(page, error=error, checked_at=now)
