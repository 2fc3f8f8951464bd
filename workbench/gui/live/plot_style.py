"""The one way the live views set up their pyqtgraph plots: fixed (no context menu, no auto-range
buttons), so the 50 fps timer owns the ranges and the user cannot leave a view in a broken zoom."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from workbench.gui import theme

AXES = ("left", "bottom", "right", "top")
HALF = 2


def fixed_plot() -> tuple[pg.PlotWidget, pg.PlotItem]:
    """A plot widget and its item without menu and buttons."""
    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    fix_plot(plot)
    return widget, plot


def fix_plot(plot: pg.PlotItem) -> None:
    """No menu, no auto-range button, no SI-prefix relabelling.

    pyqtgraph re-renders an axis label (HTML) on every range change to choose an SI prefix, even for
    hidden axes; the live views move their time axis every frame and label their units themselves.
    """
    plot.setMenuEnabled(False)
    plot.hideButtons()
    for name in AXES:
        plot.getAxis(name).enableAutoSIPrefix(False)
    # the value axis never moves, but its ticks reach into the data area, so every frame's repaint
    # of the data redraws it: keep it as a cached pixmap rather than replaying its drawing
    plot.getAxis("left").setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    scene = plot.scene()
    if scene is not None:
        fix_scene(scene)


def fix_scene(scene: QGraphicsScene) -> None:
    """A scene that does no bookkeeping for items that move every frame.

    Without a scene rect of its own, a QGraphicsScene recomputes the bounding rect of all its items
    after every update to grow its rect (pyqtgraph sets the *view's* rect, not the scene's); and its
    default BSP index is rebuilt as the scrolling items move. Neither is used here: the view shows
    the rect pyqtgraph gives it, and the few items are found by a linear search.
    """
    scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
    scene.setSceneRect(QRectF(0.0, 0.0, 1.0, 1.0))


def show_x_range(plot: pg.PlotItem, start: float, width: float) -> None:
    """Show ``[start, start + width]`` and apply the new view transform at once.

    pyqtgraph would otherwise apply it while painting, which moves every item mid-paint and makes
    the scene paint the whole plot a second time.
    """
    plot.setXRange(start, start + width, padding=0)
    plot.getViewBox().prepareForPaint()


def leave_room_for_end_labels(plot: pg.PlotItem) -> None:
    """Room above and below the plot for half a line of text, so tick labels at the very ends of the
    value axis ("1" and "-1" on the waveform) are not cut off by the widget's edge at a large font."""
    half_line = theme.line_px() // HALF + 1
    plot.setContentsMargins(0, half_line, 0, half_line)
    plot.getAxis("left").setStyle(hideOverlappingLabels=half_line)
