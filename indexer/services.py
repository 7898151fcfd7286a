"""The service layer: every use case, in the words of the rule it implements.

Entry points (CLI, HTTP routes, Celery tasks) call these services and nothing deeper.
"""

from indexer.indexing_service import IndexingService
from indexer.search_service import ArticleResult, SearchFilters, SearchPage, SearchService

__all__ = ["ArticleResult", "IndexingService", "SearchFilters", "SearchPage", "SearchService"]
