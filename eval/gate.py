"""The regression gate: nDCG@10 of every set and mode against a stored baseline report."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

GATED_MEASURE = "ndcg@10"
TOLERANCE = 0.02
# Reports round-trip through JSON; a drop of exactly the tolerance must still pass.
_EPSILON = 1e-9

Status = Literal["ok", "regressed", "missing", "new", "skipped"]


@dataclass(frozen=True)
class GateRow:
    set_name: str
    mode: str
    baseline: float | None
    current: float | None
    status: Status

    @property
    def fails(self) -> bool:
        return self.status in ("regressed", "missing")

    @property
    def delta(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline


def compare_reports(
    baseline: dict[str, Any],
    current: dict[str, Any],
    tolerance: float = TOLERANCE,
    unavailable: Collection[str] = (),
) -> list[GateRow]:
    """One row per set x mode of either report. A baseline row fails ("regressed") when the
    current nDCG@10 is more than `tolerance` lower, or "missing" when the current report
    lacks it, unless its set is `unavailable` here (its dataset is absent): then it is
    "skipped". Rows only in the current report are "new"; neither kind fails."""
    before, after = measured(baseline), measured(current)
    rows: list[GateRow] = []
    for key, value in before.items():
        now = after.get(key)
        if now is None and key[0] in unavailable:
            status: Status = "skipped"
        elif now is None:
            status = "missing"
        elif now < value - tolerance - _EPSILON:
            status = "regressed"
        else:
            status = "ok"
        rows.append(GateRow(key[0], key[1], value, now, status))
    rows.extend(GateRow(k[0], k[1], None, v, "new") for k, v in after.items() if k not in before)
    return rows


def gate_passes(rows: list[GateRow]) -> bool:
    return not any(row.fails for row in rows)


def measured(report: dict[str, Any]) -> dict[tuple[str, str], float]:
    """(set, mode) -> nDCG@10. A report without `sets` is one set named "main"."""
    sets: dict[str, Any] = report.get("sets") or {"main": {"metrics": report.get("metrics", {})}}
    return {
        (name, mode): float(values[GATED_MEASURE])
        for name, entry in sets.items()
        for mode, values in (entry.get("metrics") or {}).items()
        if GATED_MEASURE in values
    }


def gate_table(rows: list[GateRow], tolerance: float = TOLERANCE) -> str:
    lines = [
        f"nDCG@10 against the baseline (fails on a drop of more than {tolerance:.3f}):",
        "",
        "| set | mode | baseline | current | delta | status |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        status = row.status.upper() if row.fails else row.status
        lines.append(
            f"| {row.set_name} | {row.mode} | {_number(row.baseline)} | {_number(row.current)} "
            f"| {_number(row.delta, signed=True)} | {status} |"
        )
    failing = sum(1 for row in rows if row.fails)
    skipped = sorted({row.set_name for row in rows if row.status == "skipped"})
    lines.append("")
    if skipped:
        lines.append(f"skipped (dataset not available here): {', '.join(skipped)}")
    lines.append(
        f"gate FAILED: {failing} of {len(rows)} rows regressed or missing"
        if failing
        else f"gate passed: {len(rows)} rows"
    )
    return "\n".join(lines)


def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.4f}" if signed else f"{value:.4f}"
