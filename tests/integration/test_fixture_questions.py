"""Our own Zola site, feed and saved pages, indexed with the real model: every page gets its
URL and date, and reader questions find their post first mostly and in the top three always."""

from __future__ import annotations

import pytest

from eval.sites import FIXTURES, SiteRun, run_site

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SiteRun]:
    return {name: run_site(name, tmp_path_factory.mktemp(name)) for name in FIXTURES}


@pytest.mark.parametrize("site", list(FIXTURES))
def test_every_indexed_fixture_page_has_a_url_and_a_date(
    runs: dict[str, SiteRun], site: str
) -> None:
    run = runs[site]
    assert run.with_url == run.with_date == run.indexed >= 10


@pytest.mark.parametrize("site", list(FIXTURES))
def test_fixture_reader_questions_find_their_post_first_mostly_and_in_the_top_three_always(
    runs: dict[str, SiteRun], site: str
) -> None:
    run = runs[site]
    assert len(run.ranks) == 10
    assert run.top(1) >= 8, run.ranks
    assert run.top(3) == 10, run.ranks
