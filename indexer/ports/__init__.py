"""Every port: what the core needs from the outside world, as small Protocols whose
docstrings state the contract. Adapters (`indexer.adapters`) implement them, services depend on
them, and only the composition root (`indexer.bootstrap`) picks which adapter serves which.

Imports: `indexer.model`, `indexer.jobs.records` and the standard library only.
"""

from indexer.ports.caches import AnswerCache, SharedVectorCache
from indexer.ports.embedding import Embedder, TokenIds, Tokenizer, TokenSpans, Vectors
from indexer.ports.index import LexicalIndex, LiveChunk, MetadataStore, StoredArticle, VectorIndex
from indexer.ports.jobs import JobQueue, JobStore, NoProgress, Progress
from indexer.ports.llm import LLM, ChatMessage, Completion
from indexer.ports.sync import (
    Fetched,
    Fetcher,
    FetchScope,
    PageState,
    SourceState,
    SyncStateStore,
    Validators,
)

__all__ = [
    "LLM",
    "AnswerCache",
    "ChatMessage",
    "Completion",
    "Embedder",
    "FetchScope",
    "Fetched",
    "Fetcher",
    "JobQueue",
    "JobStore",
    "LexicalIndex",
    "LiveChunk",
    "MetadataStore",
    "NoProgress",
    "PageState",
    "Progress",
    "SharedVectorCache",
    "SourceState",
    "StoredArticle",
    "SyncStateStore",
    "TokenIds",
    "TokenSpans",
    "Tokenizer",
    "Validators",
    "VectorIndex",
    "Vectors",
]
