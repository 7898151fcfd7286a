"""What a rebuild writes: every article re-embedded, decided once before and once under the lock.

`footnote index --rebuild` re-embeds every article from scratch (to switch models, or to start
over) as an ordinary writer. It reads the source and the store, chunks and embeds everything
outside the write lock, then replaces every article in one fresh unit of work, which publishes
the next snapshot generation. Readers switch to it like to any other; until it commits, and
for good if it fails or is killed, the previous generation serves.

Nothing is lost on the way. Articles that did not come from the source (upserted through the
API, or from a file that failed to load this time) are re-chunked from their stored text.
Other writers keep working while the rebuild embeds, so under the lock every article whose
stored version changed since the rebuild read it ends in that newest version: the one the
rebuild prepared when it is the same, else re-read from the store and embedded there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from indexer.model import LoadResult
from indexer.ports import StoredArticle


@dataclass(frozen=True)
class RebuildPlan:
    """What the rebuild decided from the source and the store before taking the lock."""

    read: dict[str, str]  # article id -> content hash as the rebuild read the store
    from_store: list[str]  # live articles not from this source: re-embedded from the store
    dropped: list[str]  # live articles gone from the source or now drafts


@dataclass
class Reconciled:
    """Under the lock: which prepared articles to write, which to embed again from the store
    (changed by another writer meanwhile) and which to drop."""

    write: list[str] = field(default_factory=list)
    from_store: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)


def plan_rebuild(
    loaded: LoadResult, stored: Mapping[str, StoredArticle], path: str | Path
) -> RebuildPlan:
    """Source articles are written as loaded (the non-draft ones); live articles the source
    no longer has, or has as drafts, are dropped; every other live article is kept."""
    root = str(Path(path).resolve())
    seen = {a.id for a in loaded.articles}
    drafts = {a.id for a in loaded.articles if a.draft}
    failed_paths = {str(Path(f.path).resolve()) for f in loaded.failures}
    from_store: list[str] = []
    dropped: list[str] = []
    for article in stored.values():
        if article.id in drafts or (
            article.id not in seen and from_source(article, root, failed_paths)
        ):
            dropped.append(article.id)
        elif article.id not in seen:
            from_store.append(article.id)
    read = {a.id: a.content_hash for a in stored.values()}
    return RebuildPlan(read, from_store, dropped)


def reconcile(
    plan: RebuildPlan, prepared: Mapping[str, str], now: Mapping[str, StoredArticle]
) -> Reconciled:
    """Compare the store under the lock (`now`) with what the rebuild read. `prepared` maps
    the id of every article the rebuild chunked and embedded to its content hash."""
    result = Reconciled()
    dropped = set(plan.dropped)
    others = sorted((plan.read.keys() | now.keys()) - prepared.keys())
    for article_id in [*prepared, *others]:
        before = plan.read.get(article_id)
        current = now[article_id].content_hash if article_id in now else None
        if before == current:  # no other writer touched it: the plan stands
            if article_id in prepared:
                result.write.append(article_id)
            elif article_id in dropped:
                result.drop.append(article_id)
            elif current is not None:
                result.from_store.append(article_id)  # vanished from the store as it was read
        elif current is not None:  # another writer's version is the newest: it stays
            if prepared.get(article_id) == current:
                result.write.append(article_id)
            else:
                result.from_store.append(article_id)
        # Deleted by another writer meanwhile: it stays deleted.
    return result


def from_source(article: StoredArticle, root: str, failed_paths: set[str]) -> bool:
    """Whether a stored article came from this source and its file did not merely fail to load
    (a file that fails to parse must not make its articles vanish)."""
    if "://" in article.source_path:
        return False  # fetched by sync from a URL: never a file under any folder
    path = str(Path(article.source_path).resolve())
    inside = path == root or path.startswith(root.rstrip("/") + "/")
    return inside and path not in failed_paths
