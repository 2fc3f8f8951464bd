"""Two lean painters for the class scores: all score traces in one plot item, and the current-score bars.

Why not ``PlotDataItem`` and a ``BarGraphItem`` in a second plot: the scores change ten times a second,
and for eight curves pyqtgraph recomputed bounds, clipping and a QPainterPath per curve on every
update, and rebuilt the bar plot's picture and axes; that was most of the scores view's cost. Here the
points live in one preallocated array laid out as Qt's QPointF (x, y doubles), and paint hands each
trace to ``QPainter.drawLines`` by pointer (PySide has no pointer form of ``drawPolyline``); the bars are a plain widget that paints a few rectangles,
and only when a bar moved by a pixel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.gui.live.pixmap_layer import layer_pixmap
from workbench.gui.live.scrolling_items import quiet_moves

SCORE_MAX = 255
POINT_FIELDS = 2  # QPointF: x, y as doubles
BAR_HEIGHT = 0.7  # of a class's row
BAR_MARGIN_PX = 4
SCALE_PX = 14  # room for the 0 / 128 / 255 scale under the bars
SCALE_TICKS = (0, 128, 255)
THRESHOLD_WIDTH = 1.5
LABEL_PX = 40  # width of a scale label's box


class ScoreTraces(pg.GraphicsObject):
    """Polylines over (time, score) for any number of traces, drawn in order (later on top).

    ``configure`` sets the pens (one per trace) and the capacity in points; ``set_data`` copies the
    points to draw (times shared by all traces) into the preallocated buffer.
    """

    def __init__(self) -> None:
        super().__init__()
        quiet_moves(self)
        self._pens: list[QPen] = []
        self._points = np.zeros((0, 1, POINT_FIELDS), np.float64)
        self._firsts: list[tuple[QLineF, QLineF]] = []
        self._count = 0
        self._bounds = QRectF(0.0, 0.0, 1.0, float(SCORE_MAX))

    @property
    def traces(self) -> int:
        return len(self._pens)

    def configure(self, pens: Sequence[object], capacity: int) -> None:
        """One trace per pen, room for ``capacity`` points each; nothing is drawn until ``set_data``."""
        self._pens = [pg.mkPen(p) for p in pens]
        self._points = np.zeros((len(self._pens), max(1, capacity), POINT_FIELDS), np.float64)
        # Read as QLineF (x1, y1, x2, y2), a trace's points starting at point 0 are the segments
        # 0-1, 2-3, ... and starting at point 1 the segments 1-2, 3-4, ...: two drawLines calls on
        # the same memory draw the whole polyline without building or copying anything.
        point_bytes = POINT_FIELDS * self._points.itemsize
        self._firsts = [(shiboken6.wrapInstance(self._points[i].ctypes.data, QLineF),
                         shiboken6.wrapInstance(self._points[i].ctypes.data + point_bytes, QLineF))
                        for i in range(self.traces)]
        self._count = 0
        self.update()

    def set_data(self, times: npt.NDArray[np.floating], values: npt.NDArray[np.floating]) -> None:
        """Draw ``values`` (points, traces) at ``times`` (points,); only the newest ``capacity`` fit."""
        n = min(len(times), self._points.shape[1])
        points = self._points
        points[:, :n, 0] = np.asarray(times)[len(times) - n :]
        points[:, :n, 1] = np.asarray(values)[len(times) - n :, : self.traces].T
        self._count = n
        bounds = QRectF(float(points[0, 0, 0]), 0.0, float(points[0, n - 1, 0] - points[0, 0, 0]), float(SCORE_MAX)) \
            if n else QRectF(0.0, 0.0, 1.0, float(SCORE_MAX))
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.update()

    def drawn(self, trace: int) -> npt.NDArray[np.float64]:
        """The (points, 2) time/score pairs of ``trace`` as drawn."""
        return self._points[trace, : self._count].copy()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._bounds

    def paint(self, painter: QPainter, *args: object) -> None:
        if self._count < 2:
            return
        n = self._count
        for pen, (even, odd) in zip(self._pens, self._firsts):
            painter.setPen(pen)
            painter.drawLines(even, n // 2)  # type: ignore[call-overload]
            painter.drawLines(odd, (n - 1) // 2)  # type: ignore[call-overload]


class ScoreBars(QWidget):
    """The newest score of each class as a horizontal bar (0–255), its name, and the threshold(s).

    Everything but the bars is pre-rendered (again on resize, or when the classes, thresholds, colours
    or font change): the background with the 0/128/255 scale beneath the bars, and a transparent
    layer with the class names and threshold lines above them. A repaint -- once per inference, when a
    bar moved by a pixel -- is two pixmap copies and one rectangle per class, no text layout.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel itself
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self._names: list[str] = []
        self._colors: list[QColor] = []
        self._scores = np.zeros(0, np.float64)
        self._thresholds: list[tuple[int, QPen]] = []
        self._background = QColor("black")
        self._foreground = QColor("white")
        self._shown: tuple[int, ...] = ()
        self._layers: tuple[QPixmap, QPixmap] | None = None  # (below the bars, above them)
        self._geometry: tuple[QSize, QRectF] | None = None  # (size, bar area): computed once per size

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(self.width(), 120)

    def set_classes(self, names: Sequence[str], colors: Sequence[QColor]) -> None:
        self._names, self._colors = list(names), list(colors)
        self._scores = np.zeros(len(self._names), np.float64)
        self._invalidate()

    def set_scores(self, scores: npt.NDArray[np.floating]) -> None:
        """Show ``scores`` (one per class); repaints only if a bar moved by a pixel."""
        self._scores = np.clip(np.asarray(scores, np.float64)[: len(self._names)], 0, SCORE_MAX)
        if self._bar_widths() != self._shown:
            self.update()

    def scores(self) -> npt.NDArray[np.float64]:
        return self._scores.copy()

    def set_thresholds(self, lines: Sequence[tuple[int, QColor | str]]) -> None:
        """Dashed vertical lines at these scores (the global threshold, or one per class)."""
        self._thresholds = [(int(value), pg.mkPen(color, width=THRESHOLD_WIDTH, style=Qt.PenStyle.DashLine))
                            for value, color in lines]
        self._invalidate()

    def thresholds(self) -> list[int]:
        return [value for value, _ in self._thresholds]

    def set_colors(self, background: QColor | str, foreground: QColor | str) -> None:
        self._background, self._foreground = QColor(background), QColor(foreground)
        self._invalidate()

    def _invalidate(self) -> None:
        self._layers = None
        self.update()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        self._layers = None
        super().resizeEvent(event)  # type: ignore[arg-type]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.FontChange:
            self._layers = None
        super().changeEvent(event)

    # -- geometry ---------------------------------------------------------------------------------
    def _area(self) -> QRectF:
        size = self.size()
        if self._geometry is None or self._geometry[0] != size:
            area = QRectF(BAR_MARGIN_PX, BAR_MARGIN_PX, size.width() - 2 * BAR_MARGIN_PX,
                          size.height() - 2 * BAR_MARGIN_PX - SCALE_PX)
            self._geometry = (size, area)
        return self._geometry[1]

    def _x(self, score: float) -> float:
        area = self._area()
        return area.left() + area.width() * score / SCORE_MAX

    def _bar_widths(self) -> tuple[int, ...]:
        area = self._area()
        return tuple((area.left() + area.width() / SCORE_MAX * self._scores).astype(int).tolist())

    def _rows(self, area: QRectF) -> list[tuple[float, float]]:
        """(top, height) of each class's row."""
        row_h = area.height() / max(1, len(self._names))
        return [(area.top() + i * row_h, row_h) for i in range(len(self._names))]

    # -- painting ---------------------------------------------------------------------------------
    def _paint_layers(self) -> tuple[QPixmap, QPixmap]:
        area = self._area()
        below, p = layer_pixmap(self, self._background)
        self._paint_scale(p, area)
        p.end()
        above, p = layer_pixmap(self, QColor(Qt.GlobalColor.transparent))
        p.setPen(self._foreground)
        for name, (top, row_h) in zip(self._names, self._rows(area)):
            p.drawText(QRectF(area.left() + 2, top, area.width() - 2, row_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        for value, pen in self._thresholds:
            p.setPen(pen)
            x = self._x(value)
            p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        p.end()
        return below, above

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        if self._layers is None:
            self._layers = self._paint_layers()
        below, above = self._layers
        self._shown = self._bar_widths()
        area = self._area()
        p = QPainter(self)
        p.drawPixmap(0, 0, below)
        for color, right, (top, row_h) in zip(self._colors, self._shown, self._rows(area)):
            bar_h = row_h * BAR_HEIGHT
            p.fillRect(QRectF(area.left(), top + (row_h - bar_h) / 2, right - area.left(), bar_h), color)
        p.drawPixmap(0, 0, above)
        p.end()

    def _paint_scale(self, p: QPainter, area: QRectF) -> None:
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.8))
        p.setFont(small)
        p.setPen(self._foreground)
        p.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))
        for value in SCALE_TICKS:
            x = self._x(value)
            p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3))
            if value == 0:
                box, align = QRectF(x, 0, LABEL_PX, SCALE_PX), Qt.AlignmentFlag.AlignLeft
            elif value == SCORE_MAX:
                box, align = QRectF(x - LABEL_PX, 0, LABEL_PX, SCALE_PX), Qt.AlignmentFlag.AlignRight
            else:
                box, align = QRectF(x - LABEL_PX / 2, 0, LABEL_PX, SCALE_PX), Qt.AlignmentFlag.AlignHCenter
            box.moveTop(area.bottom() + 2)
            p.drawText(box, align | Qt.AlignmentFlag.AlignTop, str(value))
