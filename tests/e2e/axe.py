"""axe-core (npm, installed by scripts/setup.sh into tests/e2e/node_modules) run in a page.
Without it the accessibility tests skip, or fail when CI is set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def require_axe() -> None:
    if AXE.is_file():
        return
    problem = f"axe-core is not installed at {AXE}; run: npm ci --prefix tests/e2e"
    if os.environ.get("CI"):
        pytest.fail(problem, pytrace=False)
    pytest.skip(problem)


def blocking_violations(page: Page) -> list[str]:
    """Serious and critical violations as 'rule: target' lines (the page needs bypass_csp,
    as axe is injected as a script)."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate("axe.run(document).then((r) => r.violations)")
    return [
        f"{rule['id']}: {node['target']}"
        for rule in found
        if rule.get("impact") in BLOCKING
        for node in rule["nodes"]
    ]
