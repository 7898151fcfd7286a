"""Real publications: index each shared site with the real model and ask its reader questions.

`python -m eval.sites [--out FILE]` indexes `../shared/datasets/publications/<site>`, and our
own Zola, feed and HTML fixtures, into a temporary data directory per site (hybrid search, the
configured model), then asks the questions in `tests/fixtures/sites/questions/<site>.jsonl`,
whose answering post was picked by reading the posts, and prints one JSON object and a
Markdown table per site: files, indexed, skipped and failed by reason, chunks, share with URL
and date, index wall time, top-1/top-3.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.bootstrap import build
from indexer.config import Settings
from indexer.ingest import SourceOptions
from indexer.model import IndexReport, group_paths

ROOT = Path(__file__).resolve().parent.parent
# Beside the project root, as CI lays it out; FOOTNOTE_PUBLICATIONS points elsewhere (a worktree).
PUBLICATIONS = Path(
    os.environ.get("FOOTNOTE_PUBLICATIONS") or ROOT.parent / "shared" / "datasets" / "publications"
)
QUESTIONS = ROOT / "tests" / "fixtures" / "sites" / "questions"
# Go's blog has no generator configuration in the folder: its address and URL rule are given
# as a user would give them (the dataset's README states both), and go.dev renders Markdown
# with goldmark's own heading ids.
GO_BLOG = SourceOptions(base_url="https://go.dev/blog", permalink="/:filename", anchors="goldmark")
SITES: dict[str, SourceOptions] = {
    "go-blog": GO_BLOG,
    "k8s-contributor-site": SourceOptions(),
    "jekyll-site": SourceOptions(),
}
FIXTURES_DIR = ROOT / "tests" / "fixtures"
# Our own fixtures, asked the same way: a Zola site, a feed and a folder of saved pages.
FIXTURES: dict[str, tuple[Path, SourceOptions]] = {
    "zola-fixture": (FIXTURES_DIR / "sites" / "zola", SourceOptions()),
    "feed-fixture": (FIXTURES_DIR / "feeds" / "sourdough-notebook.rss", SourceOptions()),
    "pages-fixture": (FIXTURES_DIR / "pages", SourceOptions()),
}


def source_of(name: str) -> tuple[Path, SourceOptions]:
    """Where a site (shared or fixture) is, and how it is read."""
    if name in FIXTURES:
        return FIXTURES[name]
    return PUBLICATIONS / name, SITES[name]


@dataclass
class SiteRun:
    name: str
    report: IndexReport
    seconds: float
    with_url: int
    with_date: int
    ranks: dict[str, int | None]  # question id -> rank of the answering post (1-based)

    @property
    def indexed(self) -> int:
        return len(self.report.added) + len(self.report.updated) + self.report.unchanged

    def top(self, k: int) -> int:
        return sum(1 for rank in self.ranks.values() if rank is not None and rank <= k)

    def as_dict(self) -> dict[str, object]:
        return {
            "site": self.name,
            "files": self.indexed + len(self.report.skipped) + len(self.report.failed),
            "indexed": self.indexed,
            "skipped": {k: len(v) for k, v in group_paths(self.report.skipped).items()},
            "failed": {k: len(v) for k, v in group_paths(self.report.failed).items()},
            "chunks": self.report.chunks_total,
            "with_url": self.with_url,
            "with_date": self.with_date,
            "index_seconds": round(self.seconds, 1),
            "top1": self.top(1),
            "top3": self.top(3),
            "questions": len(self.ranks),
            "ranks": self.ranks,
        }


def run_site(name: str, data_dir: Path, settings: Settings | None = None) -> SiteRun:
    """Index one site (shared or fixture) into `data_dir` and rank its questions (hybrid)."""
    base = settings or Settings(_env_file=None)
    services = build(base.model_copy(update={"data_dir": data_dir}))
    root, options = source_of(name)
    started = time.perf_counter()
    report = services.indexing.sync_source(root, options=options)
    seconds = time.perf_counter() - started
    stored = services.store.stored_articles()
    articles = [services.store.article(article_id) for article_id in stored]
    with_url = sum(1 for a in articles if a is not None and a.url)
    with_date = sum(1 for a in articles if a is not None and a.published)
    ranks: dict[str, int | None] = {}
    for line in (QUESTIONS / f"{name}.jsonl").read_text("utf-8").splitlines():
        question = json.loads(line)
        page = services.search.search(question["question"], k=10, mode="hybrid")
        found = [result.best.article_id for result in page.results]
        wanted = question["article"]
        ranks[question["id"]] = found.index(wanted) + 1 if wanted in found else None
    return SiteRun(name, report, seconds, with_url, with_date, ranks)


def _reasons(counts: object) -> str:
    assert isinstance(counts, dict)
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def markdown_table(run: SiteRun) -> str:
    data = run.as_dict()
    rows = [
        ("files (posts and the rest)", data["files"]),
        ("indexed", data["indexed"]),
        ("skipped, by reason", _reasons(data["skipped"])),
        ("failed, by reason", _reasons(data["failed"])),
        ("chunks", data["chunks"]),
        ("indexed with URL / with published date", f"{run.with_url / max(run.indexed, 1):.0%} / "
                                                  f"{run.with_date / max(run.indexed, 1):.0%}"),
        ("index wall time", f"{data['index_seconds']} s"),
        ("top-1 / top-3 (10 questions)", f"{data['top1']}/10 / {data['top3']}/10"),
    ]  # fmt: skip
    lines = [f"**{run.name}**", "", "| measure | value |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    names = [*SITES, *FIXTURES]
    parser.add_argument("--site", action="append", choices=sorted(names), help="only these")
    args = parser.parse_args(argv)
    chosen = args.site or names
    if not PUBLICATIONS.is_dir() and set(chosen) & set(SITES):
        parser.error(f"{PUBLICATIONS} is missing: the shared publications are not here")
    results = []
    for name in chosen:
        with tempfile.TemporaryDirectory() as tmp:
            run = run_site(name, Path(tmp))
        results.append(run.as_dict())
        print(markdown_table(run), end="\n\n")
    payload = json.dumps({"sites": results}, indent=2)
    if args.out:
        args.out.write_text(payload + "\n", encoding="utf-8")
    print(payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
