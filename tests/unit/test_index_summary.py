"""Indexing a site reports what it skipped and why, grouped; a site with only skips is healthy."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from footnote.index_summary import print_report
from indexer.bootstrap import Services
from indexer.ingest import SourceOptions

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
TODAY = SourceOptions(today=date(2026, 1, 1))


def test_indexing_a_site_reports_skips_and_failures_grouped_by_reason(
    fake_services: Services,
) -> None:
    report = fake_services.indexing.sync_source(SITES / "hugo", options=TODAY)

    summary = report.as_dict()
    assert summary["added"] == 7 and summary["failed"] == 2 and summary["skipped"] == 4
    assert summary["skipped_by_reason"] == {
        "section page": [str(SITES / "hugo/content/_index.md"),
                         str(SITES / "hugo/content/posts/_index.md")],
        "page bundle resource": [str(SITES / "hugo/content/posts/bundle/transcript.md")],
        "future-dated": [str(SITES / "hugo/content/posts/from-the-future.md")],
    }  # fmt: skip
    assert set(summary["failed_by_reason"]) == {"bad date", "same URL"}  # type: ignore[arg-type]


def test_a_draft_counts_as_skipped_and_a_post_that_becomes_one_leaves_the_index(
    fake_services: Services, tmp_path: Path
) -> None:
    site = tmp_path / "zola"
    shutil.copytree(SITES / "zola", site)
    first = fake_services.indexing.sync_source(site, options=TODAY)
    assert ("draft" in {s.reason for s in first.skipped}) and "blog/moved-page" in first.added

    page = site / "content/blog/moved-page.md"
    page.write_text(page.read_text().replace("+++\n\nMulch", "draft = true\n+++\n\nMulch"))
    second = fake_services.indexing.sync_source(site, options=TODAY)

    assert second.deleted == ["blog/moved-page"]
    assert sum(s.reason == "draft" for s in second.skipped) == 2


def test_the_summary_names_each_reason_with_its_count_and_first_paths(
    fake_services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    report = fake_services.indexing.sync_source(SITES / "hugo", options=TODAY)

    print_report(report, as_json=False)

    out, err = capsys.readouterr()
    assert "skipped: section page: 2 (" in out and "_index.md" in out
    assert "skipped: future-dated: 1 (" in out
    assert "7 added" in out and "2 failed, 4 skipped" in out
    assert "failed: bad date: 1 (" in err and "bad-date.md" in err
    assert "failed: same URL: 1 (" in err and "same-url-one.md" in err
