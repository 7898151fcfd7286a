"""The errors the core raises on purpose. Entry points map these, and only these, to responses."""


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
