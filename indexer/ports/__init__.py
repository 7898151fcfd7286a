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

__all__ = [
    "LLM",
    "AnswerCache",
    "ChatMessage",
    "Completion",
    "Embedder",
    "JobQueue",
    "JobStore",
    "LexicalIndex",
    "LiveChunk",
    "MetadataStore",
    "NoProgress",
    "Progress",
    "SharedVectorCache",
    "StoredArticle",
    "TokenIds",
    "TokenSpans",
    "Tokenizer",
    "VectorIndex",
    "Vectors",
]
