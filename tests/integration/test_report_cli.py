"""`footnote report`, run as an editor runs it, over a search log with the real model."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from indexer.adapters.sqlite_analytics import SqliteSearchLog
from indexer.analytics.normalise import normalise
from indexer.ports.analytics import OpenEvent, QueryEvent
from tests.builders import footnote

pytestmark = pytest.mark.integration

DAY = 24 * 3600.0


def event(
    qid: str, text: str, results: int, *, ask: bool = False, age_days: float = 0
) -> QueryEvent:
    return QueryEvent(
        qid,
        "ask" if ask else "search",
        normalise(text),
        "hybrid",
        results,
        0.2 if results else None,
        time.time() - age_days * DAY,
        answered=False if ask else None,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("report") / "data"
    data.mkdir()
    SqliteSearchLog(data / "analytics.sqlite").add(
        [
            event("1", "How do I cancel my subscription?", 0),
            event("2", "cancel my subscription", 0),
            event("3", "how to cancel a subscription", 0, ask=True),
            event("4", "parking near the stadium", 0),
            event("5", "redis caching", 4),
            event("6", "redis caching", 4),
            event("7", "celery retries", 2),
            event("8", "an old gap about tax forms", 0, age_days=40),
        ],
        [OpenEvent("7", "celery-retries", time.time())],
    )
    return data


def test_gaps_json_groups_wordings_of_one_topic_into_one_row(data_dir: Path) -> None:
    done = footnote("report", "gaps", "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["total"] == 4  # the 40-day-old gap is outside the default 30 days
    top = report["gaps"][0]
    assert (top["count"], top["searches"], top["questions"]) == (3, 2, 1)
    assert [g["topic"] for g in report["gaps"][1:]] == ["parking near the stadium"]


def test_gaps_table_names_the_topic_and_its_other_wordings(data_dir: Path) -> None:
    done = footnote("report", "gaps", "--since", "60", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "last 60 days: 5 searches and questions" in done.stdout
    assert "an old gap about tax forms" in done.stdout
    row = next(line for line in done.stdout.splitlines() if "subscription" in line)
    assert row.split()[:3] == ["3", "2", "1"]
    assert "cancel my subscription" in row and "how to cancel a subscription" in row


def test_queries_lists_top_searches_unopened_ones_and_views(data_dir: Path) -> None:
    report = json.loads(footnote("report", "queries", "--json", "--data-dir", str(data_dir)).stdout)
    assert report["top"][0] == {"text": "redis caching", "count": 2, "opened": 0}
    assert report["never_opened"] == [{"text": "redis caching", "count": 2}]
    assert report["views"] == [{"article_id": "celery-retries", "views": 1}]
    table = footnote("report", "queries", "--data-dir", str(data_dir)).stdout
    assert "Top searches" in table and "celery-retries" in table


def test_a_bad_period_is_a_clear_error(data_dir: Path) -> None:
    done = footnote("report", "gaps", "--since", "0", "--data-dir", str(data_dir))
    assert done.returncode == 2
    assert "--since 0: give a number of days above 0" in done.stderr
