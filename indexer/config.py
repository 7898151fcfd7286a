"""Settings: built once by an entry point from the environment / `.env`, then passed down."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class ChunkingSettings(BaseModel):
    chunk_tokens: int = Field(
        200, ge=16, description="Most tokens in one chunk, heading prefix included"
    )
    overlap_tokens: int = Field(
        32, ge=0, description="Tokens of prose repeated from the previous chunk"
    )

    @model_validator(mode="after")
    def _overlap_below_half(self) -> ChunkingSettings:
        if self.overlap_tokens >= self.chunk_tokens // 2:
            raise ValueError("overlap_tokens must be under half of chunk_tokens")
        return self


class SyncSource(BaseModel):
    """A place Footnote follows by itself (`FOOTNOTE_SYNC_SOURCES`, a JSON list of these)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["feed", "sitemap", "folder"]
    url: str | None = Field(None, description="feed and sitemap: the http(s) address to poll")
    path: Path | None = Field(None, description="folder: the folder to index")
    every_s: int = Field(300, ge=1, description="Seconds between two polls")
    allow_private: bool = Field(
        False, description="Fetch even when the host resolves to a private or loopback address"
    )
    name: str | None = Field(None, description="How runs are reported; default: url or path")

    @model_validator(mode="after")
    def _where(self) -> SyncSource:
        if self.kind == "folder":
            if self.path is None or self.url is not None:
                raise ValueError("a folder source takes a path and no url")
            return self
        if self.url is None or self.path is not None:
            raise ValueError(f"a {self.kind} source takes a url and no path")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{self.url!r} is not an http(s) address with a host")
        return self

    @property
    def key(self) -> str:
        """The source's name in the sync state and in reports."""
        return self.name or self.url or str(self.path)

    @property
    def host(self) -> str | None:
        """The host a feed or sitemap source, its pages and its redirects must stay on."""
        return urlsplit(self.url).hostname if self.url else None


class Settings(BaseSettings):
    """Every setting reads `FOOTNOTE_<NAME>`; nested ones use `__`, e.g.
    `FOOTNOTE_CHUNKING__CHUNK_TOKENS=256`."""

    model_config = SettingsConfigDict(
        env_prefix="FOOTNOTE_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(Path("data"), description="Where the index lives")
    model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or directory")
    model_dir: Path | None = Field(None, description="Directory of the model; default: bundled")
    embed_batch_size: int = Field(32, ge=1, le=1024, description="Most texts per embedding batch")
    embed_batch_tokens: int = Field(
        512, ge=64, le=65536, description="ONNX: most tokens per batch, padding included"
    )
    chunking: ChunkingSettings = Field(default_factory=lambda: ChunkingSettings())
    keep_snapshots: int = Field(3, ge=2, description="Snapshot generations kept on disk")
    batch_articles: int = Field(1000, ge=1, description="Articles per commit while indexing")
    write_lock_timeout_s: float = Field(
        30.0, gt=0, description="How long a writer waits for another to commit before IndexBusy"
    )
    dense_weight: float = Field(
        0.5, ge=0, le=1, description="Share of the meaning score in hybrid (the rest: keywords)"
    )
    max_query_chars: int = Field(500, ge=10)
    max_k: int = Field(50, ge=1, description="Most results one page may ask for")
    max_page: int = Field(50, ge=1, description="Deepest result page")
    torch_threads: int | None = Field(None, ge=1, description="CPU threads for embedding")

    # Speed (see `footnote bench`).
    # int8 is the default on the evidence of the retrieval eval: SciFact nDCG@10 dense 0.6603
    # and hybrid 0.7287 against fp32's 0.6591 and 0.7296, at about 2.5x the throughput.
    embed_backend: Literal["onnx", "torch", "onnx-int8"] = Field(
        "onnx-int8",
        description="Embedding runtime: ONNX Runtime int8 or fp32, or sentence-transformers",
    )
    query_backend: Literal["onnx", "torch", "onnx-int8"] | None = Field(
        None, description="Embedding runtime for search queries; unset: FOOTNOTE_EMBED_BACKEND"
    )
    onnx_cache_dir: Path | None = Field(
        None,
        description="Where exported ONNX models are cached; default: ~/.cache/footnote/onnx",
    )
    worker_threads: int | None = Field(
        None, ge=1, description="CPU threads a worker's embedder uses (leave cores to the API)"
    )
    query_cache_size: int = Field(
        1024, ge=0, description="Query embeddings kept in process (0: no cache)"
    )
    ann_min_vectors: int = Field(
        50_000, ge=1, description="From this many vectors on, search an HNSW index, not exact"
    )
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW links per vector")
    hnsw_ef_search: int = Field(256, ge=8, description="HNSW candidates per query")
    search_threads: int = Field(
        2, ge=1, description="Searches one API process runs at once (the rest queue)"
    )

    # Limits and protection of the HTTP API.
    max_body_bytes: int = Field(2_000_000, ge=1024, description="Largest request body accepted")
    max_article_chars: int = Field(1_000_000, ge=1000, description="Largest article on upsert")
    max_filters: int = Field(20, ge=1, description="Most filter values in one search")
    rate_limit_search: str = Field(
        "120/minute", description="Per-client limit on /search ('0' disables)"
    )
    rate_limit_ask: str = Field("20/minute", description="Per-client limit on /ask ('0' disables)")
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For names the client (comma-separated, '*': any)",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS; empty: CORS is closed"
    )
    log_format: Literal["json", "text"] = Field("json", description="Log line format")
    log_queries: bool = Field(
        False,
        description="Keep query strings in the access log (secrets redacted); off: the path only,"
        " so the log builds no per-reader search history",
    )

    # Reader analytics (the editors' gap report). Nothing that identifies a reader is kept.
    analytics: bool = Field(
        True, description="Record searches, questions and opened results; false: record nothing"
    )
    analytics_retention_days: int = Field(
        90, ge=1, description="Recorded events older than this many days are purged"
    )
    analytics_fold_every_s: float = Field(
        10.0,
        ge=0.5,
        le=3600,
        description="Redis mode: how often the worker's beat folds the API processes' event "
        "stream into the search log",
    )
    analytics_stream_max_len: int = Field(
        100_000,
        ge=1000,
        description="Redis mode: about this many events wait in the stream at most (the oldest "
        "go first while no worker folds them)",
    )

    # Jobs. No Redis URL: the embedded mode (SQLite broker and job store in the data dir).
    redis_url: str | None = Field(None, description="Redis for the broker, jobs and caches")
    editor_token: SecretStr | None = Field(
        None, description="Bearer token for /admin endpoints; unset: they are disabled"
    )
    source_dir: Path = Field(Path("examples/articles"), description="What /admin/reindex indexes")
    worker_concurrency: int = Field(2, ge=1, description="Worker processes per `footnote worker`")
    answer_cache_ttl_s: int = Field(3600, ge=1, description="How long answers stay cached")
    task_max_retries: int = Field(5, ge=0, description="Retries of a job's transient failures")
    max_queued_ask: int = Field(
        200, ge=1, description="Questions waiting for a worker; past it POST /ask answers 503"
    )
    ask_expire_after_s: float = Field(
        120.0, ge=1, description="A question queued this long is dropped unanswered (expired)"
    )

    # Answers. No base URL and no key: answers are extractive, no LLM is called.
    llm_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("FOOTNOTE_LLM_BASE_URL", "OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server)",
    )
    llm_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("FOOTNOTE_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str = Field("gpt-4o-mini", description="Chat model name sent to the endpoint")
    llm_timeout_s: float = Field(60.0, gt=0, description="Per-request LLM timeout")
    llm_max_tokens: int = Field(400, ge=16, description="Longest answer the LLM may write")
    llm_context_tokens: int | None = Field(
        None,
        ge=256,
        description="The model's context window, prompt and answer (default: as the server "
        "reports it; llama.cpp and vLLM do)",
    )
    answer_passages: int = Field(6, ge=1, le=20, description="Passages given to the answerer")
    answer_token_budget: int = Field(3000, ge=256, description="Prompt tokens at most")
    abstain_below: float | None = Field(
        None,
        description="Answerability probability under which answers abstain (default: the "
        "fitted model's threshold)",
    )
    quote_when_declined_above: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="When the language model declines to answer although the answerability "
        "probability is at least this, quote the passages instead (1: never; default: the "
        "fitted value)",
    )

    # Sync: sources followed by the worker's periodic task and by `footnote sync`.
    sync_sources: list[SyncSource] = Field(
        default_factory=list, description="Feeds, sitemaps and folders to follow (JSON list)"
    )
    sync_timeout_s: float = Field(
        10.0, gt=0, le=120, description="Sync fetcher: connect and read timeout per request"
    )
    sync_max_bytes: int = Field(
        5_000_000, ge=10_000, description="Sync fetcher: largest response body accepted"
    )
    sync_retries: int = Field(
        2, ge=0, le=10, description="Sync fetcher: retries of timeouts and 5xx, with backoff"
    )
    public_url: str | None = Field(
        None, description="Where this instance is reached; named in the sync User-Agent"
    )

    @model_validator(mode="after")
    def _sources_named_once(self) -> Settings:
        keys = [source.key for source in self.sync_sources]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"sync sources named twice (give each a name): {twice}")
        return self

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "footnote.db"

    @property
    def query_runtime(self) -> str:
        """The runtime that embeds queries: FOOTNOTE_QUERY_BACKEND, else the documents' one."""
        return self.query_backend or self.embed_backend

    @property
    def onnx_dir(self) -> Path:
        """One export per machine and user, shared by every data directory."""
        if self.onnx_cache_dir is not None:
            return self.onnx_cache_dir
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "footnote" / "onnx"

    @property
    def sync_tick_s(self) -> float:
        """How often the periodic task looks for due sources: half the shortest interval,
        between 1 and 30 s, so a source is polled at most that late."""
        shortest = min((source.every_s for source in self.sync_sources), default=60)
        return min(30.0, max(1.0, shortest / 2))

    @property
    def analytics_stream(self) -> bool:
        """Events go through the Redis stream, which the worker's beat folds into the log."""
        return self.analytics and bool(self.redis_url)

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def broker_url(self) -> str:
        """Redis, or the embedded mode's SQLite file (`tasks.celery_app` names the transport:
        kombu refuses an import path in a URL)."""
        if self.redis_url:
            return self.redis_url
        return f"sqlite:///{(self.data_dir / 'broker.sqlite').resolve()}"
