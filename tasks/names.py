"""Task names and queues: the contract between whoever enqueues and the workers."""

TASKS = {
    "ask": "footnote.answer_question",
    "reindex": "footnote.reindex_source",
    "upsert": "footnote.upsert_article",
    "delete": "footnote.delete_article",
}
# Answers must not wait behind a long re-index: separate queues, both consumed by default.
QUEUES = {"ask": "answers", "reindex": "indexing", "upsert": "indexing", "delete": "indexing"}

# (soft, hard) time limits in seconds. The soft limit lets the job record why it stopped.
TIME_LIMITS = {
    "ask": (90, 120),
    "reindex": (3300, 3600),
    "upsert": (150, 180),
    "delete": (150, 180),
}
