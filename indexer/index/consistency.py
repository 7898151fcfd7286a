"""`footnote check`: do vectors, keyword index and metadata of the current snapshot agree?"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.errors import CorruptSnapshot, IndexNotReady
from indexer.index.snapshot_reader import SnapshotReader
from indexer.ports import MetadataStore


@dataclass
class CheckReport:
    generation: int
    articles: int = 0
    chunks: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "generation": self.generation,
            "articles": self.articles,
            "chunks": self.chunks,
            "problems": self.problems,
        }


def check_index(store: MetadataStore, reader: SnapshotReader) -> CheckReport:
    generation = store.generation()
    report = CheckReport(generation)
    report.articles, report.chunks = store.counts()
    live = store.live_chunk_ids()
    if generation == 0:
        if live:
            report.problems.append(f"{len(live)} live chunks but no snapshot was ever committed")
        return report
    try:
        snapshot = reader.current()  # verifies the checksums of what it loads
    except (CorruptSnapshot, IndexNotReady) as exc:
        report.problems.append(f"snapshot {generation} cannot be loaded: {exc}")
        return report
    if snapshot.generation != generation:
        report.problems.append(
            f"snapshot {generation} is current but {snapshot.generation} was loaded: "
            f"{reader.last_error}"
        )
        return report
    _compare(report, "vector index", snapshot.vectors.ids(), live)
    _compare(report, "keyword index", snapshot.lexical.ids(), live)
    if snapshot.manifest.chunks != report.chunks:
        report.problems.append(
            f"manifest says {snapshot.manifest.chunks} chunks, metadata has {report.chunks}"
        )
    orphans = store.orphan_chunks()
    if orphans:
        report.problems.append(f"{orphans} live chunks belong to no live article")
    return report


def _compare(report: CheckReport, name: str, found: set[int], expected: set[int]) -> None:
    extra, missing = found - expected, expected - found
    if extra:
        report.problems.append(
            f"{name} has {len(extra)} ids with no live chunk: {sorted(extra)[:10]}"
        )
    if missing:
        report.problems.append(f"{name} lacks {len(missing)} live chunks: {sorted(missing)[:10]}")
