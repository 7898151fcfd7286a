"""The reports editors read: content gaps, top searches, searches whose results nobody opens,
and views per article from search, over the last `since_days` days."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from indexer.analytics.clustering import SAME_TOPIC_COSINE, cluster
from indexer.ports import Embedder
from indexer.ports.analytics import QueryEvent, SearchLog

DAY_S = 24 * 3600
EXAMPLES = 5


def is_gap(event: QueryEvent) -> bool:
    """A search that found nothing, or a question the service declined to answer."""
    if event.kind == "ask":
        return event.answered is False
    return event.results == 0


class Reports:
    def __init__(self, log: SearchLog, embedder: Embedder) -> None:
        self._log = log
        self._embedder = embedder

    def gaps(self, since_days: float, limit: int = 20) -> dict[str, Any]:
        queries = [q for q in self._log.queries(_since(since_days)) if is_gap(q)]
        counts = Counter(q.text for q in queries)
        kinds: dict[str, Counter[str]] = defaultdict(Counter)
        for q in queries:
            kinds[q.text][q.kind] += 1
        texts = [text for text, _ in counts.most_common()]
        rows: list[dict[str, Any]] = []
        for group in cluster(texts, self._embedder):
            members = [texts[i] for i in group]
            rows.append(
                {
                    "topic": members[0],
                    "count": sum(counts[t] for t in members),
                    "searches": sum(kinds[t]["search"] for t in members),
                    "questions": sum(kinds[t]["ask"] for t in members),
                    "examples": members[:EXAMPLES],
                }
            )
        rows.sort(key=lambda row: (-row["count"], row["topic"]))
        return {
            "since_days": since_days,
            "threshold": SAME_TOPIC_COSINE,
            "total": len(queries),
            "gaps": rows[:limit],
        }

    def queries(self, since_days: float, limit: int = 20) -> dict[str, Any]:
        since = _since(since_days)
        queries = self._log.queries(since)
        opens = self._log.opens(since)
        opened_ids = {o.query_id for o in opens}
        counts = Counter(q.text for q in queries)
        opened = Counter(q.text for q in queries if q.query_id in opened_ids)
        found = Counter(q.text for q in queries if q.kind == "search" and q.results > 0)
        never = [{"text": text, "count": n} for text, n in found.most_common() if opened[text] == 0]
        return {
            "since_days": since_days,
            "total": len(queries),
            "top": [
                {"text": text, "count": n, "opened": opened[text]}
                for text, n in counts.most_common(limit)
            ],
            "never_opened": never[:limit],
            "views": [
                {"article_id": article, "views": n}
                for article, n in Counter(o.article_id for o in opens).most_common(limit)
            ],
        }


def _since(days: float) -> float:
    return time.time() - days * DAY_S
