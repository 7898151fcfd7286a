"""Real servers (`footnote serve` in its own process, over an index of the sample articles) and
one browser for the e2e tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser import launch_chromium
from tests.e2e.live_server import LiveServer, serving
from tests.e2e.widget_site import Sites, widget_sites

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One browser for the whole session (Playwright's sync API allows one per thread)."""
    yield from launch_chromium()


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The widget's two sites: an API allowing one origin, the blog there, and a stranger."""
    yield from widget_sites(tmp_path_factory.mktemp("widget"))
