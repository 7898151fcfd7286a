"""The composition root: the one place that picks adapters and wires the services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.adapters.sqlite_store import SqliteChunkStore
from indexer.answering.answer_service import AnswerConfig, AnswerService
from indexer.answering.answerability import FITTED, QUOTE_WHEN_DECLINED_ABOVE
from indexer.bootstrap.embedders import load_model, separate_embedders
from indexer.bootstrap.vectors import VectorBackend, faiss_backend
from indexer.config import Settings
from indexer.index.indexing_service import IndexingService
from indexer.index.snapshot_reader import SnapshotReader
from indexer.index.snapshots import VECTORS, SnapshotDirectory
from indexer.index.unit_of_work import IndexUnitOfWork
from indexer.ports import LLM, Embedder, LexicalIndex, MetadataStore, Tokenizer
from indexer.search.search_service import SearchService
from indexer.text.chunking import ChunkingConfig

if TYPE_CHECKING:
    from redis import Redis


# Query vectors never go stale for one model; the TTL only bounds Redis memory.
QUERY_CACHE_TTL_S = 7 * 24 * 3600


@dataclass
class Services:
    settings: Settings
    store: MetadataStore
    snapshots: SnapshotDirectory
    reader: SnapshotReader
    embedder: Embedder  # passages (indexing, extractive answers)
    tokenizer: Tokenizer
    indexing: IndexingService
    search: SearchService
    answers: AnswerService
    query_embedder: Embedder  # queries, behind the query cache


@dataclass
class IndexFiles:
    """The index on disk without a model: enough to inspect and check it."""

    store: MetadataStore
    snapshots: SnapshotDirectory
    reader: SnapshotReader


def open_index(settings: Settings) -> IndexFiles:
    from indexer.adapters.bm25 import Bm25LexicalIndex

    store = SqliteChunkStore(settings.db_path, settings.write_lock_timeout_s)
    snapshots = SnapshotDirectory(settings.snapshot_dir)
    vectors = faiss_backend(settings)
    reader = SnapshotReader(store, snapshots, vectors.read or vectors.load, Bm25LexicalIndex.load)
    return IndexFiles(store, snapshots, reader)


def build(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    tokenizer: Tokenizer | None = None,
    vectors: VectorBackend | None = None,
    lexical: Callable[[Sequence[tuple[int, str]]], LexicalIndex] | None = None,
    load_lexical: Callable[[Path], LexicalIndex] | None = None,
    llm: LLM | None = None,
) -> Services:
    """Wire every service for `settings`. Heavy libraries are imported here, on demand, so a
    test that passes fakes never loads torch."""
    queries: Embedder | None = embedder  # one model for both, unless configured otherwise
    if embedder is None and settings.query_runtime != settings.embed_backend:
        embedder, queries = separate_embedders(settings)
    if embedder is None or tokenizer is None:
        loaded_embedder, loaded_tokenizer = load_model(settings, embedder is None)
        embedder = embedder or loaded_embedder
        tokenizer = tokenizer or loaded_tokenizer
    assert embedder is not None
    queries = queries or embedder
    if vectors is None:
        vectors = faiss_backend(settings)
    if lexical is None or load_lexical is None:
        from indexer.adapters.bm25 import Bm25LexicalIndex

        lexical = lexical or Bm25LexicalIndex.build
        load_lexical = load_lexical or Bm25LexicalIndex.load

    store = SqliteChunkStore(settings.db_path, settings.write_lock_timeout_s)
    snapshots = SnapshotDirectory(settings.snapshot_dir)
    backend = vectors
    documents = embedder

    def uow(*, fresh: bool = False) -> IndexUnitOfWork:
        # The dimension is read only when a write happens: an API process whose passage
        # embedder is loaded on demand never loads it for this.
        dimension = documents.dimension
        return IndexUnitOfWork(
            store,
            snapshots,
            load_vectors=lambda generation: backend.load(snapshots.path(generation) / VECTORS),
            empty_vectors=lambda: backend.empty(dimension),
            build_lexical=lexical,
            model=documents.name,
            dimension=dimension,
            keep_snapshots=settings.keep_snapshots,
            fresh=fresh,
        )

    reader = SnapshotReader(store, snapshots, backend.read or backend.load, load_lexical)
    chunking = ChunkingConfig(settings.chunking.chunk_tokens, settings.chunking.overlap_tokens)
    indexing = IndexingService(
        store, uow, embedder, tokenizer, chunking, batch_articles=settings.batch_articles
    )
    cached_queries = query_embedder(settings, queries)
    search = SearchService(
        store,
        reader,
        cached_queries,
        max_query_chars=settings.max_query_chars,
        max_k=settings.max_k,
        max_page=settings.max_page,
        dense_weight=settings.dense_weight,
    )
    if llm is None and settings.llm_enabled:
        llm = chat_llm(settings)
    answers = AnswerService(search, embedder, llm, _answer_config(settings), tokenizer)
    return Services(
        settings,
        store,
        snapshots,
        reader,
        embedder,
        tokenizer,
        indexing,
        search,
        answers,
        cached_queries,
    )


def _answer_config(settings: Settings) -> AnswerConfig:
    threshold = settings.abstain_below
    declined = settings.quote_when_declined_above
    return AnswerConfig(
        passages=settings.answer_passages,
        token_budget=settings.answer_token_budget,
        max_tokens=settings.llm_max_tokens,
        abstain_below=FITTED.threshold if threshold is None else threshold,
        quote_when_declined_above=QUOTE_WHEN_DECLINED_ABOVE if declined is None else declined,
    )


def chat_llm(settings: Settings) -> LLM:
    """The configured OpenAI-compatible chat model (evaluations wrap it to time it)."""
    from indexer.adapters.openai_llm import OpenAIChatLLM

    key = settings.llm_api_key
    return OpenAIChatLLM(
        settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key.get_secret_value() if key else None,
        timeout_s=settings.llm_timeout_s,
        context_tokens=settings.llm_context_tokens,
    )


def keyword_index(docs: Sequence[tuple[int, str]], k1: float, b: float) -> LexicalIndex:
    """A BM25 index over (chunk id, stored terms) with the given parameters (evaluations)."""
    from indexer.adapters.bm25 import Bm25LexicalIndex

    return Bm25LexicalIndex.build(docs, k1, b)


def query_embedder(settings: Settings, embedder: Embedder) -> Embedder:
    """`embedder` behind the query cache: in process, plus Redis when configured. A cache
    size of 0 turns both off."""
    from indexer.ports import SharedVectorCache
    from indexer.search.query_cache import CachedQueryEmbedder

    if settings.query_cache_size == 0:
        return embedder
    shared: SharedVectorCache | None = None
    if settings.redis_url:
        from indexer.adapters.redis_query_cache import RedisQueryVectorCache

        shared = RedisQueryVectorCache(_cache_redis(settings.redis_url), QUERY_CACHE_TTL_S)
    namespace = f"{embedder.name}:{settings.query_runtime}"
    return CachedQueryEmbedder(embedder, settings.query_cache_size, shared, namespace)


def _cache_redis(url: str) -> Redis:
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # A lookup slower than embedding the query is worse than none: no retries, short waits.
    return Redis.from_url(
        url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
