"""Readers keep a loaded snapshot and switch to a newer one when a writer commits it.

Checking the current generation is one indexed SQLite read, cheap enough for every query. A
snapshot that fails its checks is never served: the reader keeps the one it has and reports why.
A process that starts while the newest snapshot is damaged falls back to the newest older
generation still on disk that passes its checks: its chunk rows are still in SQLite (rows are
purged only once no kept snapshot refers to them), so it serves correct, slightly stale results
instead of none.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.errors import CorruptSnapshot, IndexNotReady
from indexer.index.chunk_owners import ChunkOwners
from indexer.index.snapshots import LEXICAL, MANIFEST, VECTORS, Manifest, SnapshotDirectory
from indexer.ports import LexicalIndex, MetadataStore, VectorIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedSnapshot:
    manifest: Manifest
    vectors: VectorIndex
    lexical: LexicalIndex
    owners: ChunkOwners  # read after the generation was: it holds every chunk the snapshot has

    @property
    def generation(self) -> int:
        return self.manifest.generation


@dataclass(frozen=True)
class Refusal:
    """Why a committed snapshot is not served (or can no longer be): which generation, which
    file, what was wrong."""

    generation: int
    file: str
    error: str


class SnapshotReader:
    def __init__(
        self,
        store: MetadataStore,
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
        self._refused: Refusal | None = None
        self._reported_unreadable: int | None = None
        self.reloads = 0

    @property
    def last_error(self) -> str | None:
        return self._refused.error if self._refused else None

    def current(self) -> LoadedSnapshot:
        """The newest good snapshot. A request keeps the object it got, so it finishes on the
        snapshot it started with even if another request triggers a reload meanwhile."""
        generation = self._store.generation()
        loaded = self._loaded
        if loaded is not None and generation in (loaded.generation, self._refused_generation):
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

    @property
    def _refused_generation(self) -> int | None:
        return self._refused.generation if self._refused else None

    def _reload(self, generation: int) -> None:
        if generation == 0 or generation == self._refused_generation:
            return
        snapshot = self._load(generation)
        if snapshot is None:
            snapshot = self._fall_back(below=generation)
        else:
            self._refused = None
        if snapshot is not None:
            self._loaded = snapshot
            self.reloads += 1
            chunks = snapshot.manifest.chunks
            log.info("loaded snapshot %s (%s chunks)", snapshot.generation, chunks)

    def _load(self, generation: int, fallback: bool = False) -> LoadedSnapshot | None:
        """The snapshot, or None after recording (for the newest) and logging the refusal."""
        directory = self._snapshots.path(generation)
        try:
            manifest = self._snapshots.read_manifest(generation)
            return LoadedSnapshot(
                manifest,
                self._load_vectors(directory / VECTORS),
                self._load_lexical(directory / LEXICAL),
                ChunkOwners.from_pairs(self._store.chunk_article_pairs()),
            )
        except CorruptSnapshot as exc:
            refusal = Refusal(generation, _named_file(directory, str(exc)), str(exc))
            if not fallback:
                self._refused = refusal
            log.error(
                "refusing snapshot %s: %s",
                generation,
                exc,
                extra={"snapshot_generation": generation, "snapshot_file": refusal.file},
            )
            return None

    def _fall_back(self, below: int) -> LoadedSnapshot | None:
        """With nothing newer loaded, the newest older generation that passes its checks."""
        floor = self._loaded.generation if self._loaded else 0
        for older in reversed(self._snapshots.generations()):
            if floor < older < below:
                snapshot = self._load(older, fallback=True)
                if snapshot is not None:
                    log.warning("serving snapshot %s until a good newer one is committed", older)
                    return snapshot
        return None

    def status(self) -> dict[str, object]:
        """`ok`, `degraded` (a committed snapshot was refused and an older one is served, or
        the served one can no longer be read from disk) or `not_ready`; with the loaded
        snapshot's numbers and the problem, if any."""
        loaded = self._loaded
        refused = self._refused
        unreadable = self._unreadable(loaded) if loaded else None
        problem = refused or unreadable
        state = "not_ready" if loaded is None else "degraded" if problem else "ok"
        return {
            "status": state,
            "loaded": loaded is not None,
            "generation": loaded.generation if loaded else None,
            "model": loaded.manifest.model if loaded else None,
            "chunks": loaded.manifest.chunks if loaded else 0,
            "articles": loaded.manifest.articles if loaded else 0,
            "reloads": self.reloads,
            "error": problem.error if problem else None,
            "refused": asdict(refused) if refused else None,
            "unreadable": asdict(unreadable) if unreadable else None,
        }

    def _unreadable(self, loaded: LoadedSnapshot) -> Refusal | None:
        """The served snapshot's files gone from disk: searches go on from memory, but no
        restarted process and no writer could load them again, so readiness must say so."""
        gone = self._snapshots.missing(loaded.generation)
        if gone is None:
            return None
        file, reason = gone
        error = (
            f"the snapshot being served can no longer be read from disk ({reason}); searches "
            "are answered from memory until this process restarts, and the index cannot be "
            "updated until it is restored or rebuilt (`footnote index --rebuild PATH`)"
        )
        if self._reported_unreadable != loaded.generation:
            self._reported_unreadable = loaded.generation
            log.error("%s", error, extra={"snapshot_generation": loaded.generation})
        return Refusal(loaded.generation, file, error)


def _named_file(directory: Path, error: str) -> str:
    """The damaged file the error is about (the directory itself when no file is named)."""
    for name in sorted(_candidates(directory), key=len, reverse=True):
        if re.search(rf"(^|[\s:/]){re.escape(name)}(\s|$)", error):
            return str(directory / name)
    return str(directory / MANIFEST) if "manifest" in error else str(directory)


def _candidates(directory: Path) -> set[str]:
    names = {MANIFEST, VECTORS, LEXICAL}
    if directory.is_dir():
        names |= {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}
    return names
