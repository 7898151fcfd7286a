"""Child process for the crash tests: indexes a folder and pauses at a named point of the
commit, printing PAUSED, so the test can SIGKILL it exactly there."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from indexer.adapters.faiss_index import FaissVectorIndex
from indexer.adapters.sqlite_store import SqliteChunkStore
from indexer.config import Settings
from tests.builders import faiss_services


def pause_after(cls: type, name: str) -> None:
    original = getattr(cls, name)

    def paused(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        print("PAUSED", flush=True)
        time.sleep(60)
        return result

    setattr(cls, name, paused)


def pause_before(cls: type, name: str) -> None:
    original = getattr(cls, name)

    def paused(self: Any, *args: Any, **kwargs: Any) -> Any:
        print("PAUSED", flush=True)
        time.sleep(60)
        return original(self, *args, **kwargs)

    setattr(cls, name, paused)


def main() -> None:
    data_dir, source, point = sys.argv[1], sys.argv[2], sys.argv[3]
    if point == "writing-vectors":
        pause_after(FaissVectorIndex, "save")
    elif point == "before-commit":
        pause_before(SqliteChunkStore, "commit")
    else:
        raise SystemExit(f"unknown point {point}")
    settings = Settings(data_dir=Path(data_dir), _env_file=None)  # type: ignore[call-arg]
    services = faiss_services(settings)
    services.indexing.sync_source(source)


if __name__ == "__main__":
    main()
