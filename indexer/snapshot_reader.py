"""Readers keep a loaded snapshot and switch to a newer one when a writer commits it.

Checking the current generation is one indexed SQLite read, cheap enough for every query. A
snapshot that fails its checks is never served: the reader keeps the one it has and reports why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.adapters.sqlite_store import SqliteChunkStore
from indexer.errors import CorruptSnapshot, IndexNotReady
from indexer.ports import LexicalIndex, VectorIndex
from indexer.snapshots import LEXICAL, VECTORS, Manifest, SnapshotDirectory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedSnapshot:
    manifest: Manifest
    vectors: VectorIndex
    lexical: LexicalIndex

    @property
    def generation(self) -> int:
        return self.manifest.generation


class SnapshotReader:
    def __init__(
        self,
        store: SqliteChunkStore,
        snapshots: SnapshotDirectory,
        load_vectors: Callable[[Path], VectorIndex],
        load_lexical: Callable[[Path], LexicalIndex],
    ) -> None:
        self._store = store
        self._snapshots = snapshots
        self._load_vectors = load_vectors
        self._load_lexical = load_lexical
        self._loaded: LoadedSnapshot | None = None
        self._lock = threading.Lock()
        self._refused: int | None = None
        self.last_error: str | None = None
        self.reloads = 0

    def current(self) -> LoadedSnapshot:
        """The newest good snapshot. A request keeps the object it got, so it finishes on the
        snapshot it started with even if another request triggers a reload meanwhile."""
        generation = self._store.generation()
        loaded = self._loaded
        if loaded is not None and (generation == loaded.generation or generation == self._refused):
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.generation != generation:
                self._reload(generation)
        if self._loaded is None:
            raise IndexNotReady(
                self.last_error
                or f"no index has been built in {self._store.path.parent} yet: "
                "run `footnote index PATH` first"
            )
        return self._loaded

    def _reload(self, generation: int) -> None:
        if generation == 0 or generation == self._refused:
            return
        directory = self._snapshots.path(generation)
        try:
            manifest = self._snapshots.read_manifest(generation)
            snapshot = LoadedSnapshot(
                manifest,
                self._load_vectors(directory / VECTORS),
                self._load_lexical(directory / LEXICAL),
            )
        except CorruptSnapshot as exc:
            self._refused = generation
            self.last_error = str(exc)
            log.error("refusing snapshot %s: %s", generation, exc)
            return
        self._loaded = snapshot
        self._refused = None
        self.last_error = None
        self.reloads += 1
        log.info("loaded snapshot %s (%s chunks)", generation, manifest.chunks)

    def status(self) -> dict[str, object]:
        loaded = self._loaded
        return {
            "loaded": loaded is not None,
            "generation": loaded.generation if loaded else None,
            "model": loaded.manifest.model if loaded else None,
            "chunks": loaded.manifest.chunks if loaded else 0,
            "articles": loaded.manifest.articles if loaded else 0,
            "reloads": self.reloads,
            "error": self.last_error,
        }
