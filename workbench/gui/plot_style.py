"""The one way the live views set up their pyqtgraph plots: fixed (no context menu, no auto-range
buttons), so the 50 fps timer owns the ranges and the user cannot leave a view in a broken zoom."""

from __future__ import annotations

import pyqtgraph as pg


def fixed_plot() -> tuple[pg.PlotWidget, pg.PlotItem]:
    """A plot widget and its item without menu and buttons."""
    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    plot.setMenuEnabled(False)
    plot.hideButtons()
    return widget, plot
