"""The composition root: the one place that picks adapters and wires the services, and the
only package that imports `indexer.adapters`. Entry points (the API, the tasks, the CLI, the
evals) build what they need here and pass it down.

`services` wires the index, search and answers; `embedders` loads the model on its runtime;
`vectors` makes and opens vector indexes; `jobs` the job store, the answer cache and a
worker's runner; `sync` the sync service with its fetcher and state; `analytics` the
search log, its recorder and (Redis mode) the fold of the event stream; `log_setup` the
process's logs.
"""

from indexer.bootstrap.analytics import (
    build_fold,
    build_recorder,
    build_reports,
    event_stream,
    search_log,
)
from indexer.bootstrap.embedders import load_model, resolve_model_dir
from indexer.bootstrap.jobs import answer_cache, build_jobs, build_runner, job_store
from indexer.bootstrap.services import (
    IndexFiles,
    Services,
    build,
    chat_llm,
    keyword_index,
    open_index,
    query_embedder,
)
from indexer.bootstrap.sync import build_sync, sync_state, sync_status
from indexer.bootstrap.vectors import VectorBackend, default_ef_construction, faiss_backend

__all__ = [
    "IndexFiles",
    "Services",
    "VectorBackend",
    "answer_cache",
    "build",
    "build_fold",
    "build_recorder",
    "build_reports",
    "build_jobs",
    "build_runner",
    "build_sync",
    "chat_llm",
    "default_ef_construction",
    "event_stream",
    "faiss_backend",
    "job_store",
    "keyword_index",
    "load_model",
    "open_index",
    "query_embedder",
    "resolve_model_dir",
    "search_log",
    "sync_state",
    "sync_status",
]
