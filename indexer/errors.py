"""The one error tree: what the core raises on purpose. Entry points map these, and only
these, to responses (HTTP: `search_api/errors.py`; tasks: transient ones are retried)."""

from __future__ import annotations

import os
from pathlib import Path


class FootnoteError(Exception):
    """Base of every error Footnote raises deliberately."""


class TransientError(FootnoteError):
    """Worth retrying: the same call may succeed later."""


class IndexBusy(TransientError):
    """Another writer holds the index."""


class NotFound(FootnoteError):
    pass


class InvalidArticle(FootnoteError):
    pass


class InvalidQuery(FootnoteError):
    pass


class SourceError(FootnoteError):
    """A source path that cannot be read at all (missing, wrong kind)."""


class IndexMismatch(FootnoteError):
    """The index on disk was built with another model or dimension than the one configured."""


class CorruptSnapshot(FootnoteError):
    """A snapshot on disk fails its checks; it is never loaded."""


class NoSpaceLeft(FootnoteError):
    """The disk under the index filled up while writing; nothing was committed."""

    @classmethod
    def writing(cls, path: str | os.PathLike[str]) -> NoSpaceLeft:
        """Said the same way by every writer (SQLite, the snapshot files, FAISS), naming the
        mount point that is full, which is where the operator has to make room."""
        return cls(
            f"no space left on {_mount_point(Path(path))} (writing {path}): free some space "
            "there and run it again; the index is unchanged since its last commit"
        )


def _mount_point(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    while not os.path.ismount(path):
        path = path.parent
    return path


class IndexNotReady(TransientError):
    """No snapshot has been committed yet."""


class ConcurrentEdit(TransientError):
    """The article changed between embedding and committing; embedding again will do."""


# --- language models: LLMUnavailable and LLMTimeout are transient, the rest permanent ---


class LLMUnavailable(TransientError):
    """The language model could not be reached or was overloaded (connection, HTTP 429, 5xx)."""


class LLMTimeout(LLMUnavailable):
    """The language model did not answer within the configured time."""


class LLMRejected(FootnoteError):
    """The provider refused the request for good: bad credentials, unknown model, bad request."""


class LLMContextOverflow(LLMRejected):
    """The prompt and the reply do not fit the model's context window. Never retried: the
    same prompt would not fit again; the configuration (budget, max tokens, window) must change."""


class LLMBadOutput(FootnoteError):
    """The reply was unusable: empty, not text, or not in the expected format."""


# --- jobs ---


class JobCancelled(FootnoteError):
    """Raised inside a running job when a client cancelled it."""


class JobsUnavailable(TransientError):
    """The job store or the queue cannot be reached: no job can be accepted right now."""


# --- sync: following feeds, sitemaps and folders ---


class SyncError(FootnoteError):
    """A sync source, or one of its pages, could not be followed this time."""


class FetchRefused(SyncError):
    """The fetcher's rules forbid this URL: a host not configured, a private address, robots.txt,
    a redirect to another host, a body over the size cap."""


class FetchFailed(SyncError, TransientError):
    """The URL could not be fetched: timeouts, connection errors, server errors after retries,
    or an answer that is neither content nor gone."""


class QueueFull(JobsUnavailable):
    """Too many jobs of a kind are waiting: this one is refused rather than answered late."""


class IdempotencyKeyReused(FootnoteError):
    """An idempotency key came back with another request than the one it was first sent with."""
