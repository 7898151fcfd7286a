"""A full disk in any writer is one message, "no space left on <mount>", and no change."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from indexer.adapters.sqlite_full import disk_full_translated
from indexer.bootstrap import Services
from indexer.errors import NoSpaceLeft
from indexer.index.consistency import check_index
from indexer.index.snapshots import LEXICAL, Manifest, SnapshotDirectory
from indexer.model import Article


def article(slug: str, words: str) -> Article:
    return Article(id=slug, title=slug, text=f"## Part\n\n{words}", source_path="api")


def test_the_message_names_the_mount_point_and_what_was_being_written(tmp_path: Path) -> None:
    target = tmp_path / "data" / "footnote.db"
    message = str(NoSpaceLeft.writing(target))
    mount = tmp_path
    while not os.path.ismount(mount):
        mount = mount.parent
    assert message.startswith(f"no space left on {mount} (writing {target})")
    assert "the index is unchanged" in message


def full_disk_writer(path: Path) -> None:
    path.write_bytes(b"partial")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def test_the_snapshot_writer_turns_enospc_into_no_space_left_and_leaves_no_debris(
    tmp_path: Path,
) -> None:
    snapshots = SnapshotDirectory(tmp_path / "snapshots")

    def describe(files: dict[str, str]) -> Manifest:
        return Manifest(1, "m", 3, 0, 0, files)

    with pytest.raises(NoSpaceLeft, match=f"writing {snapshots.root}/.tmp-00000001-"):
        snapshots.write(1, {LEXICAL: full_disk_writer}, describe)
    assert list(snapshots.root.iterdir()) == []


def test_other_os_errors_pass_through_unchanged(tmp_path: Path) -> None:
    snapshots = SnapshotDirectory(tmp_path / "snapshots")

    def denied(path: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    with pytest.raises(PermissionError):
        snapshots.write(1, {LEXICAL: denied}, lambda files: Manifest(1, "m", 3, 0, 0, files))


def test_a_full_disk_while_publishing_keeps_the_last_commit(
    fake_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_services.indexing.index_article(article("first", "alpha beta"))
    real_write = SnapshotDirectory.write

    def write_on_full_disk(self: SnapshotDirectory, generation: int, writers, describe):  # type: ignore[no-untyped-def]
        return real_write(self, generation, {**writers, LEXICAL: full_disk_writer}, describe)

    monkeypatch.setattr(SnapshotDirectory, "write", write_on_full_disk)
    with pytest.raises(NoSpaceLeft, match="no space left on"):
        fake_services.indexing.index_article(article("second", "gamma delta"))
    assert list(fake_services.store.stored_articles()) == ["first"]
    assert fake_services.store.generation() == 1
    assert check_index(fake_services.store, fake_services.reader).ok


def operational_error(code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


def test_sqlite_s_full_error_is_no_space_left(tmp_path: Path) -> None:
    database = tmp_path / "footnote.db"
    with pytest.raises(NoSpaceLeft, match=f"writing {database}"):
        with disk_full_translated(database):
            raise operational_error(sqlite3.SQLITE_FULL)


def test_a_disk_io_error_with_room_on_the_disk_stays_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError):
        with disk_full_translated(tmp_path / "footnote.db"):
            raise operational_error(sqlite3.SQLITE_IOERR)
