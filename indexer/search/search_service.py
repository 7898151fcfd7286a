"""Searching: passages for a reader's query, grouped by article, filtered and paged."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from indexer.errors import IndexMismatch, InvalidQuery, NotFound
from indexer.index.snapshot_reader import LoadedSnapshot, SnapshotReader
from indexer.model import Article, Hit
from indexer.ports import Embedder, MetadataStore
from indexer.search.date_intent import DateIntent, read_date_intent
from indexer.search.fusion import (
    FUSION_DEPTH,
    IDENTIFIER_BONUS,
    MODES,
    Ranking,
    document_fusion,
    group_by_article,
    identifier_shares,
    prefer_dates,
)
from indexer.search.query_text import readable_text
from indexer.text.lexical_tokens import identifier_density, identifier_terms

PASSAGES_PER_ARTICLE = 3


@dataclass(frozen=True)
class SearchFilters:
    tags: tuple[str, ...] = ()
    author: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.tags or self.author or self.since or self.until)

    def admits(self, hit: Hit) -> bool:
        if self.tags and not set(self.tags).issubset(hit.tags):
            return False
        if self.author and (hit.author or "").casefold() != self.author.casefold():
            return False
        if self.since and (hit.published is None or hit.published < self.since):
            return False
        return not (self.until and (hit.published is None or hit.published > self.until))


@dataclass(frozen=True)
class ArticleResult:
    article_id: str
    score: float
    passages: tuple[Hit, ...]

    @property
    def best(self) -> Hit:
        return self.passages[0]


@dataclass(frozen=True)
class SearchPage:
    query: str
    mode: str
    page: int
    k: int
    total: int
    generation: int
    took_ms: float
    date_intent: DateIntent | None
    results: list[ArticleResult] = field(default_factory=list)

    @property
    def hits(self) -> list[Hit]:
        """Every passage of the page, best article first (for callers that want passages)."""
        return [hit for result in self.results for hit in result.passages]


class SearchService:
    def __init__(
        self,
        store: MetadataStore,
        reader: SnapshotReader,
        embedder: Embedder,
        max_query_chars: int = 500,
        max_k: int = 100,
        max_page: int = 50,
        dense_weight: float = 0.5,
    ) -> None:
        self._store = store
        self._reader = reader
        self._embedder = embedder
        self._max_query_chars = max_query_chars
        self._max_k = max_k
        self._max_page = max_page
        self._dense_weight = dense_weight

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        page: int = 1,
        filters: SearchFilters | None = None,
    ) -> SearchPage:
        """Page `page` of the articles best matching `query`, `k` per page, each with its best
        passages. Raises InvalidQuery on bad input, IndexNotReady before the first snapshot."""
        started = time.perf_counter()
        filters = filters or SearchFilters()
        text = self._validate(query, k, mode, page, filters)
        topic, intent = read_date_intent(text)
        snapshot = self._snapshot()
        depth = max(100, page * k * 8, 1000 if filters.active else 0)
        candidates = max(depth, FUSION_DEPTH) if mode == "hybrid" else depth
        dense, lexical = self._rank(snapshot, topic, mode, candidates)
        fused = self._fuse(snapshot, dense, lexical, topic)[:depth]
        if not filters.active and intent is None:
            total, chosen = self._page_by_relevance(snapshot, fused, page, k)
        else:
            hits = [h for h in self._store.hits(fused) if filters.admits(h)]
            articles = group_by_article(hits, PASSAGES_PER_ARTICLE)
            if intent is not None:
                articles = prefer_dates(articles, intent, mode)
            total, chosen = len(articles), articles[(page - 1) * k : page * k]
        took = (time.perf_counter() - started) * 1000
        return SearchPage(
            text,
            mode,
            page,
            k,
            total,
            snapshot.generation,
            took,
            intent,
            [ArticleResult(a[0].article_id, a[0].score, tuple(a)) for a in chosen],
        )

    def _page_by_relevance(
        self, snapshot: LoadedSnapshot, fused: Ranking, page: int, k: int
    ) -> tuple[int, list[list[Hit]]]:
        """(articles found, the page's articles) when nothing but relevance orders them:
        candidates are grouped by article from their ids alone, and only the page's passages
        are read (a third of them, on the first page of ten, and the bulk of what reading
        them cost)."""
        owners = snapshot.owners.of([chunk_id for chunk_id, _ in fused])
        groups: dict[str, list[tuple[int, float]]] = {}
        for chunk_id, score in fused:
            owner = owners.get(chunk_id)
            if owner is None:
                continue
            group = groups.setdefault(owner, [])
            if len(group) < PASSAGES_PER_ARTICLE:
                group.append((chunk_id, score))
        chosen = list(groups.values())[(page - 1) * k : page * k]
        hits = self._store.hits([pair for group in chosen for pair in group])
        return len(groups), group_by_article(hits, PASSAGES_PER_ARTICLE)

    def related(self, article_id: str, k: int = 5) -> list[ArticleResult]:
        """Articles most like `article_id`: nearest to the mean of its chunk vectors."""
        if not 1 <= k <= self._max_k:
            raise InvalidQuery(f"k must be between 1 and {self._max_k}, got {k}")
        snapshot = self._snapshot()
        present = snapshot.vectors.ids()
        own = [c.id for c in self._store.live_chunks(article_id) if c.id in present]
        if not own:
            raise NotFound(f"no article with id {article_id!r} is indexed")
        centre = snapshot.vectors.vectors(own).mean(axis=0, keepdims=True)
        centre /= max(float(np.linalg.norm(centre)), 1e-12)
        ranked = snapshot.vectors.search(centre.astype(np.float32), max(100, k * 20))
        hits = [h for h in self._store.hits(ranked) if h.article_id != article_id]
        return [
            ArticleResult(a[0].article_id, a[0].score, tuple(a))
            for a in group_by_article(hits, 1)[:k]
        ]

    def term_frequencies(self, terms: Sequence[str]) -> tuple[int, list[int]]:
        """(passages in the current snapshot, how many hold each term): how rare a question's
        terms are in this publication, for judging whether passages answer it."""
        return self._snapshot().lexical.document_frequencies(terms)

    def article(self, article_id: str) -> Article:
        article = self._store.article(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id!r} is indexed")
        return article

    def _snapshot(self) -> LoadedSnapshot:
        snapshot = self._reader.current()
        if snapshot.manifest.model != self._embedder.name:
            raise IndexMismatch(
                f"the index was built with {snapshot.manifest.model!r} but queries would be "
                f"embedded with {self._embedder.name!r}"
            )
        return snapshot

    def _rank(
        self, snapshot: LoadedSnapshot, text: str, mode: str, depth: int
    ) -> tuple[Ranking | None, Ranking | None]:
        dense = lexical = None
        if mode in ("dense", "hybrid"):
            dense = snapshot.vectors.search(self._embedder.embed([text]), depth)
        if mode in ("bm25", "hybrid"):
            lexical = snapshot.lexical.search(text, depth)
        return dense, lexical

    def _fuse(
        self, snapshot: LoadedSnapshot, dense: Ranking | None, lexical: Ranking | None, query: str
    ) -> Ranking:
        if dense is None or lexical is None:
            return dense if dense is not None else lexical or []
        owners = snapshot.owners.of([chunk_id for chunk_id, _ in dense + lexical])
        # An identifier is matched by spelling, not meaning: articles with a chunk that holds
        # the query's identifiers earn a bonus, as large as identifiers are of the query, so
        # `acks_late` alone leads with its exact match while one gene name in a claim barely
        # moves it.
        terms = identifier_terms(query)
        shares = identifier_shares([snapshot.lexical.holding(term) for term in terms])
        bonus = IDENTIFIER_BONUS * identifier_density(query, terms)
        return document_fusion(dense, lexical, owners, self._dense_weight, shares, bonus)

    def _validate(self, query: str, k: int, mode: str, page: int, filters: SearchFilters) -> str:
        text = readable_text(query, "query")
        if len(text) > self._max_query_chars:
            raise InvalidQuery(
                f"the query is {len(text)} characters long; the limit is {self._max_query_chars}"
            )
        if not 1 <= k <= self._max_k:
            raise InvalidQuery(f"k must be between 1 and {self._max_k}, got {k}")
        if not 1 <= page <= self._max_page:
            raise InvalidQuery(f"page must be between 1 and {self._max_page}, got {page}")
        if mode not in MODES:
            raise InvalidQuery(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if filters.since and filters.until and filters.since > filters.until:
            raise InvalidQuery("`since` is after `until`: no article can match")
        return text
