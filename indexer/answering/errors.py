"""Errors of answering: what can go wrong talking to a language model.

They extend the core tree (`indexer.errors`), so entry points map them like any other:
`LLMUnavailable` and `LLMTimeout` are transient (a task retries them), the rest are permanent.
"""

from indexer.errors import FootnoteError, TransientError


class LLMUnavailable(TransientError):
    """The language model could not be reached or was overloaded (connection, HTTP 429, 5xx)."""


class LLMTimeout(LLMUnavailable):
    """The language model did not answer within the configured time."""


class LLMRejected(FootnoteError):
    """The provider refused the request for good: bad credentials, unknown model, bad request."""


class LLMBadOutput(FootnoteError):
    """The reply was unusable: empty, not text, or not in the expected format."""
