"""The one error tree: what the core raises on purpose. Entry points map these, and only
these, to responses (HTTP: `search_api/errors.py`; tasks: transient ones are retried)."""


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


class LLMBadOutput(FootnoteError):
    """The reply was unusable: empty, not text, or not in the expected format."""


# --- jobs ---


class JobCancelled(FootnoteError):
    """Raised inside a running job when a client cancelled it."""


class JobsUnavailable(TransientError):
    """The job store or the queue cannot be reached: no job can be accepted right now."""


class QueueFull(JobsUnavailable):
    """Too many jobs of a kind are waiting: this one is refused rather than answered late."""


class IdempotencyKeyReused(FootnoteError):
    """An idempotency key came back with another request than the one it was first sent with."""
