"""Two lean painters for the class scores: all score traces in one plot item, and the current-score bars.

Why not ``PlotDataItem`` and a ``BarGraphItem`` in a second plot: the scores change ten times a second,
and for eight curves pyqtgraph recomputed bounds, clipping and a QPainterPath per curve on every
update, and rebuilt the bar plot's picture and axes; that was most of the scores view's cost. Here the
points live in one preallocated array laid out as Qt's QPointF (x, y doubles), and paint hands each
trace to ``QPainter.drawLines`` by pointer (PySide has no pointer form of ``drawPolyline``); the bars are
a plain widget that paints a few rectangles, and only when a bar moved by a pixel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.core.detection.detector import is_keyword_class
from workbench.gui import theme
from workbench.gui.live.pixmap_layer import layer_pixmap
from workbench.gui.live.scrolling_items import quiet_moves

SCORE_MAX = 255
POINT_FIELDS = 2  # QPointF: x, y as doubles
BAR_HEIGHT = 0.7  # of a class's row
BAR_MARGIN_PX = 4
SWATCH_PX = 5  # a strip of each class's colour left of its bar: the colour key where the plot has no legend
SWATCH_GAP_PX = 3  # between the strip and the bar's 0, so the strip never reads as a small score
SCALE_TICKS = (0, 128, 255)
SCALE_FONT_FACTOR = 0.8  # the scale's numbers are a little smaller than the class names
SCALE_TICK_PX = 3  # the scale's tick marks, and the gap between them and the numbers
SCALE_GAP_PX = 2
THRESHOLD_WIDTH = 1.5
DASH_LENGTH = 4  # of a threshold line's dashes and the gaps after them, in pen widths (Qt's DashLine is 4, 2)
DASH_GAP = 2


@dataclass(frozen=True)
class ThresholdMark:
    """One threshold value and the classes it applies to, each with its colour (``names`` empty: all of them).

    Why a mark holds several classes: keywords sharing a per-class threshold would draw their lines on top
    of each other and only the last would show; one mark draws one line whose dashes take turns in their
    colours, so each keyword stays identifiable.
    """

    value: int
    colors: tuple[QColor, ...]
    names: tuple[str, ...] = ()

    def pens(self, width: float = THRESHOLD_WIDTH) -> list[QPen]:
        """One dashed pen per colour; their dashes take turns along the line (with one colour: plain dashes)."""
        step = DASH_LENGTH + DASH_GAP
        period = step * len(self.colors)
        pens = []
        for i, color in enumerate(self.colors):
            pen = pg.mkPen(color, width=width)
            pen.setDashPattern([DASH_LENGTH, period - DASH_LENGTH])
            pen.setDashOffset((period - i * step) % period)
            pens.append(pen)
        return pens


def threshold_marks(classes: Sequence[str], per_class: Sequence[int], threshold: int,
                    color: QColor | str) -> list[ThresholdMark]:
    """What the scores plot and bars mark: the global ``threshold`` in ``color``, or with per-class thresholds
    (one per class) one mark per distinct value of the classes the firmware reports, in their class colours.

    Why ``_unknown_``, ``_silence_`` and negative-word classes get none: the firmware never reports them, so
    their thresholds decide nothing -- their lines would only hide the keywords' lines.
    """
    if not per_class or len(per_class) != len(classes):
        return [ThresholdMark(int(threshold), (QColor(color),))]
    by_value: dict[int, list[int]] = {}
    for i, (name, value) in enumerate(zip(classes, per_class)):
        if is_keyword_class(name):
            by_value.setdefault(int(value), []).append(i)
    return [ThresholdMark(value, tuple(theme.class_color(i) for i in indices),
                          tuple(classes[i] for i in indices))
            for value, indices in sorted(by_value.items())]


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
    """The newest score of each class as a horizontal bar (0–255), its name after a strip of its colour, and the
    threshold(s).

    Everything but the bars is pre-rendered (again on resize, or when the classes, thresholds, colours
    or font change): the background with the 0/128/255 scale beneath the bars, a transparent layer with
    the class names and threshold lines above them, and the names again in black or white, whichever
    reads on each class's bar colour, copied over the part of a name a bar covers. A repaint -- once
    per inference, when a bar moved by a pixel -- is a few pixmap copies and one rectangle per class,
    no text layout. The scale's height and its numbers' boxes come from the font, so they never
    overlap or clip at a large font.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel itself
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self._names: list[str] = []
        self._colors: list[QColor] = []
        self._scores = np.zeros(0, np.float64)
        self._thresholds: list[ThresholdMark] = []
        self._background = QColor("black")
        self._foreground = QColor("white")
        self._shown: tuple[int, ...] = ()
        self._layers: tuple[QPixmap, QPixmap, QPixmap] | None = None  # below the bars, above, names on bars
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

    def set_thresholds(self, marks: Sequence[ThresholdMark]) -> None:
        """Dashed vertical lines at these scores (see :func:`threshold_marks`)."""
        self._thresholds = list(marks)
        self._invalidate()

    def thresholds(self) -> list[int]:
        return [mark.value for mark in self._thresholds]

    def threshold_marks(self) -> list[ThresholdMark]:
        return list(self._thresholds)

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
            self._geometry = None  # the scale's height follows the font
        super().changeEvent(event)

    # -- geometry ---------------------------------------------------------------------------------
    def scale_font(self) -> QFont:
        """The font of the 0/128/255 scale: the widget's, a little smaller."""
        return theme.scaled_font(self.font(), SCALE_FONT_FACTOR)

    def scale_px(self) -> int:
        """Room under the bars for the scale: its ticks, a gap and one line of its numbers."""
        return SCALE_TICK_PX + SCALE_GAP_PX + QFontMetrics(self.scale_font()).height()

    def label_px(self) -> int:
        """Width of a scale number's box: the widest number and a gap."""
        metrics = QFontMetrics(self.scale_font())
        return max(metrics.horizontalAdvance(str(v)) for v in SCALE_TICKS) + 2 * SCALE_GAP_PX

    def _area(self) -> QRectF:
        size = self.size()
        if self._geometry is None or self._geometry[0] != size:
            left = BAR_MARGIN_PX + SWATCH_PX + SWATCH_GAP_PX  # the colour strips stand left of the bars' 0
            area = QRectF(left, BAR_MARGIN_PX, size.width() - left - BAR_MARGIN_PX,
                          size.height() - 2 * BAR_MARGIN_PX - self.scale_px())
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
    def _paint_layers(self) -> tuple[QPixmap, QPixmap, QPixmap]:
        """The unlit background (scale, names over the background), the fully lit bars (every bar at
        255 with its name in black or white, whichever reads on it) and the threshold lines."""
        area = self._area()
        rows = self._rows(area)
        below, p = layer_pixmap(self, self._background)
        self._paint_scale(p, area)
        for color, bar in zip(self._colors, self._bars(area, [area.left()] * len(rows))):
            p.fillRect(self.swatch(bar), color)
        self._paint_names(p, area, [self._foreground] * len(self._names))
        p.end()
        lit, p = layer_pixmap(self, self._background)
        for color, bar in zip(self._colors, self._bars(area, [area.right()] * len(rows))):
            p.fillRect(bar, color)
        self._paint_names(p, area, self.bar_text_colors())
        p.end()
        above, p = layer_pixmap(self, QColor(Qt.GlobalColor.transparent))
        for mark in self._thresholds:
            x = self._x(mark.value)
            for pen in mark.pens():
                p.setPen(pen)
                p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        p.end()
        return below, lit, above

    def _paint_names(self, p: QPainter, area: QRectF, colors: Sequence[QColor]) -> None:
        p.setFont(self.font())  # not the scale's smaller font
        for name, color, (top, row_h) in zip(self._names, colors, self._rows(area)):
            p.setPen(color)
            p.drawText(QRectF(area.left() + 2, top, area.width() - 2, row_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)

    @staticmethod
    def swatch(bar: QRectF) -> QRectF:
        """The colour strip of the row whose bar is ``bar``: as tall as the bar, left of the bars' 0."""
        return QRectF(bar.left() - SWATCH_GAP_PX - SWATCH_PX, bar.top(), SWATCH_PX, bar.height())

    def _bars(self, area: QRectF, rights: Sequence[float]) -> list[QRectF]:
        """Each class's bar, from the area's left to ``rights``."""
        bars = []
        for right, (top, row_h) in zip(rights, self._rows(area)):
            bar_h = row_h * BAR_HEIGHT
            bars.append(QRectF(area.left(), top + (row_h - bar_h) / 2, right - area.left(), bar_h))
        return bars

    def bar_text_colors(self) -> list[QColor]:
        """The colour of each class's name where its bar covers it (black or white, by the bar's colour)."""
        return [theme.text_on(color) for color in self._colors]

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        if self._layers is None:
            self._layers = self._paint_layers()
        below, lit, above = self._layers
        self._shown = self._bar_widths()
        ratio = lit.devicePixelRatio()
        p = QPainter(self)
        p.drawPixmap(0, 0, below)
        for bar in self._bars(self._area(), self._shown):
            if bar.width() > 0:  # the lit layer's bar, with the part of the name it covers
                p.drawPixmap(bar, lit, QRectF(bar.x() * ratio, bar.y() * ratio,
                                              bar.width() * ratio, bar.height() * ratio))
        p.drawPixmap(0, 0, above)
        p.end()

    def _paint_scale(self, p: QPainter, area: QRectF) -> None:
        p.setFont(self.scale_font())
        p.setPen(self._foreground)
        p.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))
        label_px, scale_px = self.label_px(), self.scale_px()
        for value in SCALE_TICKS:
            x = self._x(value)
            p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + SCALE_TICK_PX))
            if value == 0:
                box, align = QRectF(x, 0, label_px, scale_px), Qt.AlignmentFlag.AlignLeft
            elif value == SCORE_MAX:
                box, align = QRectF(x - label_px, 0, label_px, scale_px), Qt.AlignmentFlag.AlignRight
            else:
                box, align = QRectF(x - label_px / 2, 0, label_px, scale_px), Qt.AlignmentFlag.AlignHCenter
            box.moveTop(area.bottom() + SCALE_GAP_PX)
            p.drawText(box, align | Qt.AlignmentFlag.AlignTop, str(value))
