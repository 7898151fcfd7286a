"""`footnote ARGS...` as a user runs it, stopping at named points of a write so a test can act
there: kill it (SIGKILL), or let another writer in, then let it go on.

    python -m tests.integration.paused_cli POINT[,POINT...] ARGS...

At each point the process prints `PAUSED POINT` and waits for a line on stdin (or its end)
before it goes on. The points, in the order a rebuild meets them:
- `embedding`: the first slice of chunks embedded, the write lock not asked for yet;
- `locking`: everything embedded, about to ask for the write lock;
- `writing-vectors`: the lock held, the new generation's vectors written aside;
- `committing`: the lock held, the snapshot written, just before SQLite's COMMIT.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from footnote.cli import main
from indexer.adapters.faiss_index import FaissVectorIndex
from indexer.adapters.sqlite_store import SqliteChunkStore
from indexer.index.indexing_service import IndexingService

# point -> (class, method, whether to pause after the call rather than before it)
POINTS: dict[str, tuple[type, str, bool]] = {
    "embedding": (IndexingService, "_embed", True),
    "locking": (SqliteChunkStore, "write_transaction", False),
    "writing-vectors": (FaissVectorIndex, "save", True),
    "committing": (SqliteChunkStore, "commit", False),
}


def pause(point: str) -> None:
    print(f"PAUSED {point}", flush=True)
    sys.stdin.readline()


def paused_once(point: str, method: Callable[..., Any], after: bool) -> Callable[..., Any]:
    state = {"due": True}

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        due, state["due"] = state["due"], False
        if due and not after:
            pause(point)
        result = method(self, *args, **kwargs)
        if due and after:
            pause(point)
        return result

    return wrapper


def install(points: list[str]) -> None:
    for point in points:
        cls, name, after = POINTS[point]
        setattr(cls, name, paused_once(point, getattr(cls, name), after))


if __name__ == "__main__":
    install(sys.argv[1].split(","))
    raise SystemExit(main(sys.argv[2:]))
