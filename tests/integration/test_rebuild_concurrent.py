"""`footnote index --rebuild` beside other writers, all real processes with the real model:
writers take turns at the one lock, and every run ends in a consistent index."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer.bootstrap import build, open_index
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.integration.writers import (
    SUBSET,
    PausedWriter,
    check,
    copy_subset,
    finish,
    footnote,
    report_of,
    start_footnote,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def indexed(tmp_path: Path, real_model: tuple[Embedder, Tokenizer]) -> tuple[Path, Path]:
    """The subset indexed in this process (the model is loaded here already): generation 1."""
    source = copy_subset(tmp_path / "articles")
    data_dir = tmp_path / "data"
    embedder, tokenizer = real_model
    services = build(settings_for(data_dir), embedder=embedder, tokenizer=tokenizer)
    assert services.indexing.sync_source(source).generation == 1
    return source, data_dir


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]


def stored_text(data_dir: Path, article_id: str) -> str:
    store = open_index(settings_for(data_dir)).store
    article = store.article(article_id)
    assert article is not None
    return article.text


def test_two_rebuilds_started_together_both_publish_and_leave_a_consistent_index(
    indexed: tuple[Path, Path],
) -> None:
    source, data_dir = indexed
    first = start_footnote(data_dir, "index", str(source), "--rebuild", "--json")
    second = start_footnote(data_dir, "index", str(source), "--rebuild", "--json")
    results = [finish(first), finish(second)]

    for code, _, err in results:
        assert code == 0, err
    generations = sorted(report_of(out)["generation"] for _, out, _ in results)
    assert generations == [2, 3]
    checked = check(data_dir)
    assert checked["generation"] == 3 and checked["articles"] == len(SUBSET)


def test_a_rebuild_waits_for_another_holding_the_lock_then_publishes_after_it(
    indexed: tuple[Path, Path],
) -> None:
    source, data_dir = indexed
    holder = PausedWriter(data_dir, ["committing"], "index", str(source), "--rebuild", "--json")
    holder.wait_paused("committing")  # inside the lock, its snapshot written
    waiter = PausedWriter(data_dir, ["locking"], "index", str(source), "--rebuild", "--json")
    waiter.wait_paused("locking")
    waiter.resume()
    time.sleep(2)
    assert waiter.process.poll() is None, "the second rebuild did not wait for the lock"

    held = holder.finish()
    waited = waiter.finish()

    assert held[0] == 0 and waited[0] == 0, (held[2], waited[2])
    assert report_of(held[1])["generation"] == 2
    assert report_of(waited[1])["generation"] == 3
    assert check(data_dir)["articles"] == len(SUBSET)


def test_a_rebuild_kept_out_past_the_lock_timeout_fails_clearly_and_changes_nothing(
    indexed: tuple[Path, Path],
) -> None:
    source, data_dir = indexed
    holder = PausedWriter(data_dir, ["committing"], "index", str(source), "--rebuild", "--json")
    holder.wait_paused("committing")

    code, _, err = footnote(
        data_dir, "index", str(source), "--rebuild", FOOTNOTE_WRITE_LOCK_TIMEOUT_S="1"
    )

    assert code == 2
    assert "footnote: error: another process kept the index's write lock for over 1 s" in err
    assert "Traceback" not in err
    held = holder.finish()
    assert held[0] == 0, held[2]
    assert check(data_dir)["generation"] == 2


def test_a_rebuild_and_an_index_started_together_end_in_the_sources_newest_content(
    indexed: tuple[Path, Path],
) -> None:
    source, data_dir = indexed
    edited = source / "redis-caching-patterns.md"
    edited.write_text(edited.read_text() + "\n\n## Addendum\n\nThe zeppelin-cache postscript.\n")
    (source / "docker-for-real-teams.md").unlink()

    rebuild = start_footnote(data_dir, "index", str(source), "--rebuild", "--json")
    index = start_footnote(data_dir, "index", str(source), "--json")
    results = [finish(rebuild), finish(index)]

    for code, _, err in results:
        assert code == 0, err
    checked = check(data_dir)
    assert checked["articles"] == len(SUBSET) - 1
    assert "zeppelin-cache" in stored_text(data_dir, "redis-caching-patterns")


def test_an_index_committing_while_a_rebuild_embeds_is_not_undone_by_it(
    indexed: tuple[Path, Path],
) -> None:
    source, data_dir = indexed
    rebuild = PausedWriter(data_dir, ["locking"], "index", str(source), "--rebuild", "--json")
    rebuild.wait_paused("locking")  # read the source and embedded it: the old content
    edited = source / "unit-of-work-pattern.md"
    edited.write_text(edited.read_text() + "\n\n## Addendum\n\nThe gondola-commit postscript.\n")
    code, out, err = footnote(data_dir, "index", str(source), "--json")
    assert code == 0, err
    assert report_of(out)["updated"] == 1 and report_of(out)["generation"] == 2

    code, out, err = rebuild.finish()

    assert code == 0, err
    assert report_of(out)["generation"] == 3
    assert "gondola-commit" in stored_text(data_dir, "unit-of-work-pattern")
    assert check(data_dir)["articles"] == len(SUBSET)
