"""A PNG bar chart of a report: one panel per query set, measures grouped, one bar per mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.metrics import MEASURES
from eval.report import MEASURE_LABELS, fusion_label

MODE_COLOURS = {"bm25": "#8c8c8c", "dense": "#4c72b0", "hybrid": "#dd8452"}


def draw_chart(report: dict[str, Any], path: Path) -> None:
    """Write the chart to `path` (PNG). Uses the Agg backend: no display is needed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets: dict[str, Any] = report["sets"]
    panels = max(len(sets), 1)
    figure, axes = plt.subplots(1, panels, figsize=(max(5.5 * panels, 7.0), 4.6), squeeze=False)
    for axis, (name, entry) in zip(axes[0], sets.items(), strict=False):
        modes = list(entry["metrics"])
        width = 0.8 / max(len(modes), 1)
        for offset, mode in enumerate(modes):
            values = [entry["metrics"][mode][m] for m in MEASURES]
            positions = [i + (offset - (len(modes) - 1) / 2) * width for i in range(len(values))]
            bars = axis.bar(
                positions, values, width, label=mode, color=MODE_COLOURS.get(mode, None)
            )
            axis.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
        axis.set_xticks(range(len(MEASURES)), [MEASURE_LABELS[m] for m in MEASURES])
        axis.set_ylim(0, 1.08)
        axis.set_title(f"{name} ({entry['queries']} queries)")
        axis.grid(axis="y", alpha=0.3)
    config = report["configuration"]
    figure.suptitle(
        f"Retrieval by mode on {Path(config['dataset']).name}\n{config['model']}, chunks of "
        f"{config['chunk_tokens']} tokens, fusion {fusion_label(config['fusion'])}",
        fontsize=9,
    )
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=max(len(labels), 1), fontsize=8)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
