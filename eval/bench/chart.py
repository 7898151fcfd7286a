"""The benchmark's PNG chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.bench.report import MODES


def draw_chart(report: dict[str, Any], path: Path) -> None:
    """A PNG of the headline numbers: latency and throughput by size and mode, indexing
    against the raw model, and the peer. Agg backend: no display needed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    by_size = report["query"]["by_size"]
    labels = list(by_size)
    width = 0.8 / len(MODES)
    for offset, mode in enumerate(MODES):
        positions = [i + (offset - 1) * width for i in range(len(labels))]
        axes[0][0].bar(
            positions, [by_size[s][mode]["server_p50_ms"] for s in labels], width, label=mode
        )
        axes[0][1].bar(
            positions, [by_size[s][mode]["rps_8_clients"] for s in labels], width, label=mode
        )
    for axis, title in ((axes[0][0], "/search server p50 (ms)"), (axes[0][1], "req/s, 8 clients")):
        axis.set_xticks(range(len(labels)), labels)
        axis.set_title(title, fontsize=9)
        axis.legend(fontsize=7)
        axis.grid(axis="y", alpha=0.3)

    indexing = report["indexing"]["by_size"]
    measured = [s for s in labels if indexing[s].get("measured")]
    axis = axes[1][0]
    pipeline = [indexing[s]["tokens_per_s"] for s in measured]
    raw = [indexing[s]["raw"]["tokens_per_s"] for s in measured]
    axis.bar([i - 0.2 for i in range(len(measured))], pipeline, 0.4, label="pipeline")
    axis.bar([i + 0.2 for i in range(len(measured))], raw, 0.4, label="raw model")
    axis.set_xticks(range(len(measured)), measured)
    axis.set_title("indexing tokens/s", fontsize=9)
    axis.legend(fontsize=7)

    axis = axes[1][1]
    peer = report["peer"]["txtai"]
    if peer.get("skipped"):
        axis.text(0.5, 0.5, "peer skipped", ha="center", va="center")
        axis.set_axis_off()
    else:
        names = list(peer["systems"])
        axis.bar(names, [peer["systems"][n]["p50_ms"] for n in names], color="#4c72b0")
        axis.set_title(
            f"in-process query p50 (ms); index {peer['footnote_index_s']} s vs "
            f"txtai {peer['txtai_index_s']} s",
            fontsize=9,
        )
        axis.tick_params(axis="x", labelsize=7)
    machine = report["machine"]
    figure.suptitle(
        f"footnote bench: {report['configuration']['embed_backend']} backend, "
        f"{machine['cpu']} ({machine['cores_logical']} threads)",
        fontsize=9,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
