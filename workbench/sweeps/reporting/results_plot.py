"""``results.png``: each finished trial's objective against what it costs on the board (MACs, RAM).

Why these axes: a sweep trades accuracy for compute and memory; the scatter shows which cheap models
are nearly as good as the best one. matplotlib is imported only here, when the PNG is written; without it
:class:`PlotUnavailable` says how to get it (:mod:`workbench.plot_advice`) and the sweep's other results
are written all the same.
"""

from __future__ import annotations

import io

from workbench.plot_advice import plot_unavailable
from workbench.sweeps.reporting.results import FINISHED, TrialRecord

KIB = 1024
THOUSAND = 1000.0
FIGURE_SIZE = (10.0, 4.2)
DPI = 100
PLOT = "the sweep's results plot"  # what needs matplotlib, in its error
# the y axis says which figure it plots: the objective's name alone reads like results.csv's per-epoch Keras column
OBJECTIVE_AXES = {"val_balanced_accuracy": "objective: int8 validation balanced accuracy",
                  "frr": "objective: FRR at the target FA/h"}


def objective_axis_label(objective_name: str) -> str:
    """The y axis's label: what the plotted objective is (the int8 model's figure, as results.csv's objective)."""
    return OBJECTIVE_AXES.get(objective_name, f"objective: {objective_name}")


def results_png(records: list[TrialRecord], objective_name: str, best_id: str | None) -> bytes:
    """The two scatter panels as PNG bytes (finished trials only; the best ringed); :class:`PlotUnavailable`
    without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError:
        raise plot_unavailable(PLOT) from None
    done = [r for r in records if r.status == FINISHED and r.objective is not None]
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    panels = (("MACs (thousands)", lambda r: (r.macs or 0) / THOUSAND), ("tensor arena (KiB)",
                                          lambda r: (r.arena_bytes or r.estimated_arena_bytes or 0) / KIB))
    for i, (label, x_of) in enumerate(panels):
        ax = figure.add_subplot(1, 2, i + 1)
        xs = [x_of(r) for r in done]
        ys = [r.objective for r in done]
        ax.scatter(xs, ys, s=28, alpha=0.8, label="trials")
        best = [r for r in done if r.trial_id == best_id]
        if best:
            ax.scatter([x_of(best[0])], [best[0].objective], s=160, facecolors="none", edgecolors="red",
                       linewidths=2, label="best")
        ax.set_xlabel(label)
        ax.set_ylabel(objective_axis_label(objective_name))
        ax.grid(alpha=0.3)
        if done:
            ax.legend(loc="best")
        else:  # no point: the empty scatter's made-up ticks (negative MACs, objectives around 0) say nothing
            ax.set_xticks([])
            ax.set_yticks([])
            ax.text(0.5, 0.5, "no finished trial", ha="center", va="center", transform=ax.transAxes)
    figure.suptitle(f"{len(done)} of {len(records)} trials finished")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
