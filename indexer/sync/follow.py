"""Following one feed or sitemap for one poll: read the listing conditionally, fetch or probe
the pages the plan names (several at once; the fetcher keeps each host to its limit), and note
in a Poll what to upsert, remove and remember. Nothing here writes: the service applies a Poll."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from indexer.config import SyncSource
from indexer.errors import SyncError
from indexer.ingest.feed import load_feed
from indexer.ingest.fields import slug_from_url
from indexer.ingest.html import load_html
from indexer.model import LoadResult
from indexer.ports import Fetched, Fetcher, FetchScope, PageState, Validators
from indexer.sync.planning import failed, pages_to_fetch, seen, struck, to_probe, unlisted
from indexer.sync.runs import Poll
from indexer.sync.sitemap import Listed, parse_sitemap

# Threads fetching one source's pages; the fetcher's per-host limit is what the site sees.
FETCH_THREADS = 4
# Past feed entries checked per poll for having gone (404/410).
PROBES_PER_POLL = 20


@dataclass(frozen=True)
class Follow:
    """One poll's view of a source: the fetcher, its scope, and the time of the poll."""

    source: SyncSource
    fetcher: Fetcher
    now: float

    @property
    def url(self) -> str:
        assert self.source.url is not None
        return self.source.url

    @property
    def scope(self) -> FetchScope:
        assert self.source.host is not None
        return FetchScope(self.source.host, self.source.allow_private)

    def fetch(self, url: str, validators: Validators | None) -> Fetched:
        return self.fetcher.fetch(url, self.scope, validators)

    def fetch_many(self, pages: Sequence[PageState]) -> list[Fetched | SyncError]:
        def one(page: PageState) -> Fetched | SyncError:
            try:
                return self.fetch(page.url, page.validators)
            except SyncError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
            return list(pool.map(one, pages))


def follow_feed(follow: Follow, validators: Validators, known: Mapping[str, PageState]) -> Poll:
    """Upsert every entry of a changed feed (unchanged ones are skipped when applied); probe
    past entries for having gone."""
    answer = follow.fetch(follow.url, validators)
    poll = Poll(validators=answer.validators if answer.status == 200 else validators)
    _listing_gone(follow.url, answer)
    pages = dict(known)
    if answer.status == 200:
        loaded = load_feed(answer.text, follow.url)
        _usable(follow.url, loaded)
        listed: set[str] = set()
        for article in loaded.articles:
            url = article.url or f"{follow.url}#{article.id}"
            listed.add(url)
            page = pages.get(url) or PageState(url)
            if page.article_id not in (None, article.id):
                poll.remove(page.article_id)  # the entry's link now makes another id
            poll.upsert(article)
            pages[url] = replace(page, article_id=article.id, listed=True, strikes=0, error=None)
        for failure in loaded.failures:
            poll.fail(str(failure))
        for page in unlisted(listed, pages):
            pages[page.url] = replace(page, listed=False)
        poll.counts["listed"] = len(listed)
    probes = to_probe(pages.values(), PROBES_PER_POLL)
    for page, result in zip(probes, follow.fetch_many(probes), strict=True):
        poll.counts["probed"] += 1
        pages[page.url] = _checked(poll, page, result, follow.now, page.lastmod)
        if pages[page.url].article_id is None:
            del pages[page.url]  # gone: nothing left to remember it for
            poll.forget.append(page.url)
    poll.pages = [page for url, page in pages.items() if known.get(url) != page]
    return poll


def follow_sitemap(follow: Follow, validators: Validators, known: Mapping[str, PageState]) -> Poll:
    """Fetch the pages a sitemap lists that are new or changed (or failed last time); remove
    those it stopped listing."""
    answer = follow.fetch(follow.url, validators)
    poll = Poll(validators=answer.validators if answer.status == 200 else validators)
    _listing_gone(follow.url, answer)
    if answer.status == 200:
        listed = parse_sitemap(answer.text, follow.url)
        for page in unlisted((entry.url for entry in listed), known):
            poll.remove(page.article_id)
            poll.forget.append(page.url)
    else:  # 304: the listing is what it was
        listed = [Listed(page.url, page.lastmod) for page in known.values()]
    poll.counts["listed"] = len(listed)
    wanted = pages_to_fetch(listed, known)
    pages = [known.get(entry.url) or PageState(entry.url) for entry in wanted]
    for entry, page, result in zip(wanted, pages, follow.fetch_many(pages), strict=True):
        poll.counts["fetched"] += 1
        state = _checked(poll, page, result, follow.now, entry.lastmod)
        if isinstance(result, Fetched) and result.status == 200:
            state = _page_article(poll, state, result)
        poll.pages.append(state)
    return poll


def _checked(
    poll: Poll, page: PageState, result: Fetched | SyncError, now: float, lastmod: str | None
) -> PageState:
    """The page's state after a fetch: alive, struck (and removed when gone), or failed."""
    if isinstance(result, SyncError):
        poll.fail(str(result))
        return failed(page, str(result), now)
    if result.gone:
        poll.counts["gone"] += 1
        state, gone = struck(page, now)
        if gone:
            poll.remove(page.article_id)
        return state
    if result.not_modified:
        poll.counts["not_modified"] += 1
    return seen(page, result, now, lastmod)


def _page_article(poll: Poll, page: PageState, fetched: Fetched) -> PageState:
    loaded = load_html(fetched.text, fetched.url)
    if not loaded.articles:
        reason = "; ".join(str(f) for f in loaded.failures) or f"{fetched.url}: no article"
        poll.fail(reason)
        # Forget the validators: the next poll fetches the page again, in whole.
        return replace(page, error=reason, validators=Validators())
    article = loaded.articles[0]
    if article.url is None:
        # No canonical URL: the page's own address names it (the loader only saw a path).
        article = replace(article, url=fetched.url, id=slug_from_url(fetched.url) or article.id)
    if page.article_id not in (None, article.id):
        poll.remove(page.article_id)  # a new canonical URL made another id
    poll.upsert(article)
    return replace(page, article_id=article.id)


def _listing_gone(url: str, answer: Fetched) -> None:
    if answer.gone:
        raise SyncError(f"{url}: the listing answered {answer.status}; nothing was changed")


def _usable(url: str, loaded: LoadResult) -> None:
    """A feed that yields no article and only failures is broken, not empty: nothing of it may
    be taken for unpublished."""
    if not loaded.articles and loaded.failures:
        raise SyncError(f"{url}: {loaded.failures[0].reason}")


Follower = Callable[[Follow, Validators, Mapping[str, PageState]], Poll]
FOLLOWERS: dict[str, Follower] = {"feed": follow_feed, "sitemap": follow_sitemap}
