"""Searching a loaded snapshot: `search_service.SearchService` (dense and keyword retrieval,
grouped by article, filtered and paged), rank fusion (`fusion`), a date wish read from the
query (`date_intent`) and the query-embedding cache (`query_cache`).

Sits above `indexer.index` (it reads snapshots) and `indexer.text`; never imports adapters.
"""
