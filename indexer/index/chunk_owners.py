"""Which article each chunk belongs to, held in memory beside a loaded snapshot.

Hybrid search groups some 600 candidate chunks by article on every query. Asking SQLite for
their owners each time cost about as much as the two rankings together; a chunk's article
never changes (ids are never reused), so the reader reads every owner once when it loads a
snapshot and searches look them up in memory.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class ChunkOwners:
    ids: npt.NDArray[np.int64]  # chunk ids, ascending
    owners: npt.NDArray[np.int32]  # per chunk, its article's position in `articles`
    articles: tuple[str, ...]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, str]]) -> ChunkOwners:
        """From (chunk id, article id) pairs in any order."""
        positions: dict[str, int] = {}
        ids = array("q")
        owners = array("i")
        for chunk_id, article_id in pairs:
            ids.append(chunk_id)
            owners.append(positions.setdefault(article_id, len(positions)))
        by_id = np.frombuffer(ids, dtype=np.int64) if ids else np.zeros(0, np.int64)
        of = np.frombuffer(owners, dtype=np.int32) if owners else np.zeros(0, np.int32)
        order = np.argsort(by_id, kind="stable")
        return cls(by_id[order], of[order], tuple(positions))

    def __len__(self) -> int:
        return len(self.ids)

    def of(self, chunk_ids: Sequence[int]) -> dict[int, str]:
        """Chunk id -> article id for those of `chunk_ids` this map holds."""
        if not chunk_ids or not len(self.ids):
            return {}
        wanted = np.asarray(chunk_ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        held = self.ids[at] == wanted
        articles = self.articles
        return {
            chunk_id: articles[owner]
            for chunk_id, owner in zip(
                wanted[held].tolist(), self.owners[at[held]].tolist(), strict=True
            )
        }
