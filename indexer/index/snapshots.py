"""Immutable, versioned snapshot directories on disk.

A generation's files are written into a temporary directory, fsynced, checksummed into a
manifest, and renamed into place. SQLite records which generation is current, so a directory
that exists without being recorded is debris from a crash and is removed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import CorruptSnapshot, NoSpaceLeft

MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
LEXICAL = "lexical"


@dataclass(frozen=True)
class Manifest:
    generation: int
    model: str
    dimension: int
    chunks: int
    articles: int
    files: dict[str, str]  # relative path -> sha256

    def as_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)


class SnapshotDirectory:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, generation: int) -> Path:
        return self.root / f"{generation:08d}"

    def write(
        self,
        generation: int,
        writers: dict[str, Callable[[Path], None]],
        describe: Callable[[dict[str, str]], Manifest],
    ) -> Path:
        """Write one generation completely, or leave nothing under its final name. A full disk
        raises NoSpaceLeft (the writers' own OSErrors are translated here, once)."""
        final = self.path(generation)
        temp = self.root / f".tmp-{generation:08d}-{os.getpid()}"
        shutil.rmtree(temp, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)  # debris of an uncommitted earlier attempt
        try:
            temp.mkdir()
            for name, write in writers.items():
                write(temp / name)
            files = {rel: _sha256(temp / rel) for rel in _files(temp)}
            (temp / MANIFEST).write_text(describe(files).as_json())
            for rel in [*files, MANIFEST]:
                _fsync(temp / rel)
            _fsync_dir(temp)
            os.replace(temp, final)
            _fsync_dir(self.root)
        except BaseException as exc:
            shutil.rmtree(temp, ignore_errors=True)
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise NoSpaceLeft.writing(exc.filename or temp) from exc
            raise
        return final

    def read_manifest(self, generation: int, verify: bool = True) -> Manifest:
        """The manifest of a generation, after checking every file against its checksum."""
        directory = self.path(generation)
        try:
            raw = json.loads((directory / MANIFEST).read_text())
            manifest = Manifest(**raw)
        except (OSError, ValueError, TypeError) as exc:
            raise CorruptSnapshot(f"snapshot {directory} has no readable manifest: {exc}") from exc
        if verify:
            for rel, expected in manifest.files.items():
                path = directory / rel
                if not path.is_file():
                    raise CorruptSnapshot(f"snapshot {directory} is missing {rel}")
                if _sha256(path) != expected:
                    raise CorruptSnapshot(f"snapshot {directory}: {rel} fails its checksum")
        return manifest

    def missing(self, generation: int) -> tuple[str, str] | None:
        """Which file of a generation is gone from disk and how, or None when all are there.

        Existence only, no checksums: cheap enough for every readiness probe. A reader serves a
        snapshot from memory, so this is how it learns that the files under it were deleted
        (and that no restarted process, nor the next writer, could load them)."""
        directory = self.path(generation)
        if not directory.is_dir():
            return str(directory), f"snapshot {generation} is gone: {directory} does not exist"
        try:
            listed = json.loads((directory / MANIFEST).read_text())["files"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            reason = f"snapshot {generation} has no readable manifest: {exc}"
            return str(directory / MANIFEST), reason
        for rel in listed:
            if not (directory / rel).is_file():
                return str(directory / rel), f"snapshot {generation} is missing {rel}"
        return None

    def generations(self) -> list[int]:
        return sorted(int(p.name) for p in self.root.iterdir() if p.name.isdigit())

    def clean(self, current: int, keep: int) -> int:
        """Drop crash debris and all but the newest `keep` generations up to `current`.
        Returns the oldest generation kept."""
        for path in self.root.iterdir():
            if path.name.startswith(".tmp-"):
                shutil.rmtree(path, ignore_errors=True)
        kept = [g for g in self.generations() if g <= current][-keep:]
        for generation in self.generations():
            if generation not in kept:
                shutil.rmtree(self.path(generation), ignore_errors=True)
        return kept[0] if kept else current


def _files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
