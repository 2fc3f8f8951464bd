"""The one way the live views set up their pyqtgraph plots: fixed (no context menu, no auto-range
buttons), so the 50 fps timer owns the ranges and the user cannot leave a view in a broken zoom."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from workbench.gui import theme

AXES = ("left", "bottom", "right", "top")
HALF = 2
PYQTGRAPH_TITLE_SHARE = 0.8  # of an axis title's height, what pyqtgraph makes room for beside the tick labels
MARGIN_TOLERANCE_PX = 0.5  # a wrapped title's margin this close to the one it needs is left as it is


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


class WrappedTitleAxis(pg.AxisItem):
    """A left or right axis whose title wraps onto a further line where it is longer than the axis.

    Why: a rotated title runs along the plot's height, which a large font or a short window makes smaller
    than the title ("val. balanced accuracy" at 16 pt needs 250 px, the sweeps plot has 160 at 1280x720);
    pyqtgraph then cuts it at both ends. Wrapped, the axis grows a line wider instead. Give the axis its
    width from its contents (``setWidth(None)``), not a fixed one, so that the second line has room.

    pyqtgraph makes room for only :data:`PYQTGRAPH_TITLE_SHARE` of the title's height beside the tick labels (its
    text box has empty margins, so one line still clears them); of a wrapped title the last line then ran into
    them. So a wrapped title's text box gets a wider margin on the side of the tick labels, by as much as makes
    pyqtgraph's share of the box its whole former height: the axis grows by that, through pyqtgraph's own width
    rule (no private method of it is replaced), and the lines stay where they were.
    """

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        document = self.label.document()
        document.setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))  # lines centred
        document.contentsChanged.connect(self._fit_tick_side_margin)  # a new title's HTML resets the margins

    def resizeEvent(self, ev: object = None) -> None:  # noqa: N802 (pyqtgraph's name)
        label = getattr(self, "label", None)  # None while pyqtgraph builds the axis, and after it is closed
        if label is not None and self.orientation in ("left", "right"):
            label.setTextWidth(-1)  # its natural length, on one line
            room = self.size().height()
            if label.boundingRect().width() > room > 0:
                label.setTextWidth(room)
            self._fit_tick_side_margin()
            self.showLabel(label.isVisible())  # the axis' width follows the title's lines
        super().resizeEvent(ev)

    def _fit_tick_side_margin(self) -> None:
        """The title's text box wider on the tick labels' side where it wraps (class docstring): its bottom on a
        left axis (the title reads upwards, its lines' tops outwards), its top on a right one."""
        label = getattr(self, "label", None)
        if label is None or self.orientation not in ("left", "right"):
            return
        document = label.document()
        frame = document.rootFrame()
        box = frame.frameFormat()
        margin = box.bottomMargin() if self.orientation == "left" else box.topMargin()
        height = label.boundingRect().height() - (margin - document.documentMargin())  # without the extra
        wanted = document.documentMargin() + (height * (1 / PYQTGRAPH_TITLE_SHARE - 1) if label.textWidth() > 0
                                              else 0.0)
        if abs(wanted - margin) < MARGIN_TOLERANCE_PX:  # also ends the call its own change below makes
            return
        if self.orientation == "left":
            box.setBottomMargin(wanted)
        else:
            box.setTopMargin(wanted)
        frame.setFrameFormat(box)
