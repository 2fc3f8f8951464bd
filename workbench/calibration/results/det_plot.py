"""The DET plot PNG: false reject rate against false accepts per hour for every set tried.

Why matplotlib here and pyqtgraph in the GUI: the PNG is a file for a report or an issue, written
without a display; matplotlib is imported only inside :func:`det_figure`, so ``kws`` starts fast and
the GUI never loads it. The x axis is symmetric-log (0 FA/h is a real and important value), the y axis
is FRR in percent. Grey dots are the grid's sets, the line is the Pareto front (the model's own set competes
in it like any grid set), and the model's own parameters, the recommendation and the target are marked.
Models compared on the same stream add their Pareto fronts and recommendations in other colours. Two models
can recommend the very same point, so each recommendation has its own shape and size, outlined, and a smaller
mark is drawn above a larger one: none hides another. The legend lies below the axes, outside them: inside, in
any corner, it covered part of a front (at lower left the front between 0 and 15 FA/h); the figure grows by its
rows, so the axes keep their size.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from workbench.calibration.results.model_labels import model_labels
from workbench.plot_advice import plot_unavailable

if TYPE_CHECKING:
    from workbench.calibration.calibration_run import CalibrationResult

FIGURE_SIZE_IN = (7.0, 5.0)
DPI = 120
LINEAR_BELOW_FA_PER_HOUR = 1.0
PERCENT = 100.0
COMPARED_COLOURS = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
COMPARED_MARKERS = ("D", "^", "v", "P", "X", "h")  # the first model's is a star, its own parameters a square
RECOMMENDED_SIZE = 260.0  # the first model's star (points^2); each compared model's mark is smaller ...
SIZE_STEP = 0.4  # ... by this factor for each model before it (a star still shows around a diamond)
SMALLEST_SIZE = 30.0
RECOMMENDED_ZORDER = 4  # compared models' marks above it, the smaller the higher
OUTLINE = {"edgecolors": "black", "linewidths": 0.8, "clip_on": False}  # not cut off at 0 % or 0 FA/h
PLOT = "the DET plot"  # what needs matplotlib, in its error
LEGEND_COLUMNS = 2  # one when the widest label of each column together are longer than LEGEND_ROW_CHARS:
LEGEND_ROW_CHARS = 95  # a row of the small legend font holds about this many characters in the figure's width
LEGEND_ROW_IN = 0.25  # the figure's height grows by this for each row of the legend below the axes


def det_plot_png(result: "CalibrationResult", compared: Sequence["CalibrationResult"] = ()) -> bytes:
    """The plot as PNG bytes; :class:`PlotUnavailable` (saying how to get matplotlib here) if it is missing."""
    figure = det_figure(result, compared)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def recommended_mark(number: int) -> tuple[str, float, int]:
    """(marker, size, zorder) of model ``number``'s recommendation (0: the first model)."""
    if number == 0:
        return "*", RECOMMENDED_SIZE, RECOMMENDED_ZORDER
    size = max(SMALLEST_SIZE, RECOMMENDED_SIZE * SIZE_STEP ** number)
    return COMPARED_MARKERS[(number - 1) % len(COMPARED_MARKERS)], size, RECOMMENDED_ZORDER + number


def det_figure(result: "CalibrationResult", compared: Sequence["CalibrationResult"] = ()) -> Any:
    """The plot as a matplotlib ``Figure`` (module docstring); :class:`PlotUnavailable` without matplotlib."""
    try:
        from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    except ImportError:
        raise plot_unavailable(PLOT) from None
    table = result.table
    fa, frr = table.fa_per_hour, table.frr * PERCENT
    figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI, layout="constrained")  # room for the legend outside
    axes = figure.add_subplot(1, 1, 1)
    labels = model_labels([(r.model.name, str(r.model.path or "")) for r in (result, *compared)])
    whose = f" ({labels[0]})" if compared else ""  # with other models, every label names its model
    grid = result.grid_sets  # the grid's sets; the model's own is the square below
    axes.scatter(fa[:grid], frr[:grid], s=4, color="#b0b0b0", label=f"{grid:,} parameter sets{whose}", zorder=1)
    front = np.asarray(result.front, dtype=np.int64)
    if front.size:
        axes.step(fa[front], frr[front], where="post", color="#1f77b4", linewidth=1.6,
                  label=f"Pareto front{whose}", zorder=2)
    for number, other in enumerate(compared):
        _draw_compared(axes, other, COMPARED_COLOURS[number % len(COMPARED_COLOURS)], number + 1, labels[number + 1])
    target = result.request.target_fa_per_hour
    axes.axvline(target, color="#7f7f7f", linestyle="--", linewidth=1, label=f"target {target:g} FA/h")
    if result.model_metrics is not None:
        m = result.model_metrics
        axes.scatter([m.fa_per_hour], [m.frr * PERCENT], marker="s", s=60, color="#ff7f0e", zorder=3,
                     label=f"model's parameters{whose}")
    if result.recommended is not None:
        i = result.recommended
        own = " = model's parameters" if result.recommends_model_set else ""
        marker, size, zorder = recommended_mark(0)
        axes.scatter([fa[i]], [frr[i]], marker=marker, s=size, color="#d62728", zorder=zorder, **OUTLINE,
                     label=f"recommended{whose}{own}: {frr[i]:.1f} % at {fa[i]:.1f} FA/h")
    axes.set_xscale("symlog", linthresh=LINEAR_BELOW_FA_PER_HOUR)
    axes.set_xlim(left=0)
    axes.set_ylim(0, PERCENT)
    axes.set_xlabel("false accepts per hour")
    axes.set_ylabel("false reject rate (%)")
    names = f"{1 + len(compared)} models" if compared else result.model.name
    axes.set_title(f"{names}: {table.keywords} keywords, "
                   f"{(table.stream_hours + table.background_hours) * 60:.1f} min of audio")
    axes.grid(True, which="both", alpha=0.3)
    _legend_below(figure, axes)
    return figure


def _legend_below(figure: Any, axes: Any) -> None:
    """The legend under the axes, outside them (module docstring), the figure taller by its rows."""
    handles, labels = axes.get_legend_handles_labels()
    first = -(-len(labels) // LEGEND_COLUMNS)  # the legend fills its first column first
    widest_row = max(map(len, labels[:first]), default=0) + max(map(len, labels[first:]), default=0)
    columns = LEGEND_COLUMNS if widest_row <= LEGEND_ROW_CHARS else 1  # (two columns side by side, or one)
    figure.set_figheight(FIGURE_SIZE_IN[1] + LEGEND_ROW_IN * -(-len(labels) // columns))
    figure.legend(handles, labels, loc="outside lower center", ncols=columns, fontsize="small")


def _draw_compared(axes: Any, other: "CalibrationResult", colour: str, number: int, label: str) -> None:
    """Another model's Pareto front and recommendation on the same axes (matplotlib ``Axes``), named ``label``."""
    fa, frr = other.table.fa_per_hour, other.table.frr * PERCENT
    front = np.asarray(other.front, dtype=np.int64)
    if front.size:
        axes.step(fa[front], frr[front], where="post", color=colour, linewidth=1.4,
                  label=f"Pareto front ({label})", zorder=2)
    if other.recommended is not None:
        i = other.recommended
        marker, size, zorder = recommended_mark(number)
        axes.scatter([fa[i]], [frr[i]], marker=marker, s=size, color=colour, zorder=zorder, **OUTLINE,
                     label=f"{label}: {frr[i]:.1f} % at {fa[i]:.1f} FA/h")
