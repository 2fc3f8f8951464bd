"""The DET curve: false reject rate against false accepts per hour, with the sets a user can pick.

Why this x axis: FA/h spans 0 (the figure that matters most) to thousands, so a linear axis hides the
useful end and a log axis cannot show 0. The plot uses ``log10(1 + FA/h)`` and labels the ticks in FA/h
(0, 1, 3, 10, 30, …), like a symmetric-log axis. Grey dots are every set tried, the line is the Pareto
front (click a point on it to pick that set), the star is the recommendation, the ring the current
tuning parameters and the dashed line the target. Models compared on the same stream add their fronts
and recommendations in other colours (for reading only: the sliders tune the calibrated model).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.gui import theme
from workbench.gui.live.plot_style import fix_plot

PERCENT = 100.0
TICK_VALUES = (0, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000)
EMPTY_AXIS_END_FA = 1000  # FA/h the axis reaches before a calibration is shown
MIN_AXIS_END_FA = 10
LAST_LABEL_ROOM = 0.04  # share of the axis right of its last tick, where that tick's label goes
ALL_SETS_COLOR = "#8c8f94"
FRONT_COLOR = "#56B4E9"
RECOMMENDED_COLOR = "#D55E00"
CURRENT_COLOR = "#CC79A7"  # visible on the dark and the light background
MARKER_PX = 16
STAR_PX = 22
COMPARED_STAR_PX = 18
COMPARED_COLORS = ("#009E73", "#F0E442", "#0072B2", "#E69F00", "#999933", "#882255")  # colour-blind safe
FRONT_POINT_PX = 7
DESCRIPTION = ("False reject rate against false accepts per hour of every parameter set tried, with the Pareto "
               "front, the recommended set, the current parameters and the target.")


def fa_axis(fa_per_hour: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Plot coordinate of FA/h values."""
    return np.log10(1.0 + np.asarray(fa_per_hour, dtype=np.float64))


def front_points(front: Sequence[dict[str, Any]]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Plot coordinates of a document's Pareto-front entries."""
    return fa_axis([p["fa_per_hour"] for p in front]), np.array([p["frr"] for p in front], np.float64) * PERCENT


def staircase(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> tuple[np.ndarray, np.ndarray]:
    """The front as a staircase: FRR holds until the next front point's FA/h."""
    return np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]


class FaPerHourAxis(pg.AxisItem):
    """Bottom axis whose ticks are FA/h values at ``log10(1 + FA/h)``.

    A tick too near either end for its label to fit is left out: pyqtgraph hides such a label but draws the
    tick, which then reads as a value the plot forgot to name.
    """

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802,N803
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return [(1.0, [])]
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        major = []
        for value in TICK_VALUES:
            x = float(fa_axis(value))
            if not minVal <= x <= maxVal:
                continue
            half_label_px = metrics.horizontalAdvance(self.tickStrings([x], 1.0, 1.0)[0]) / 2
            room_px = min(x - minVal, maxVal - x) / span * size
            if value == 0 or room_px >= half_label_px:  # 0 sits at the start, where pyqtgraph shows it whole
                major.append(x)
        return [(1.0, major)]

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [f"{10 ** v - 1:.0f}" for v in values]


class MarkItem(pg.ScatterPlotItem):
    """Points drawn for information only: clicks pass through to the front points underneath.

    (pyqtgraph offers a click to every item near it, top first, whatever its accepted mouse buttons.)
    """

    def mouseClickEvent(self, ev: Any) -> None:  # noqa: N802 (pyqtgraph API)
        ev.ignore()


class DetCurveView(QWidget):
    """Shows one calibration's sets; ``front_point_clicked(index)`` names a Pareto-front entry."""

    front_point_clicked = Signal(int)

    def __init__(self, dark: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": FaPerHourAxis(orientation="bottom")})
        theme.describe_view(self.plot_widget, "DET curve", DESCRIPTION)
        self.plot = self.plot_widget.getPlotItem()
        fix_plot(self.plot)
        self.plot.setLabel("bottom", "false accepts per hour")
        self.plot.setLabel("left", "false reject rate (%)")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMouseEnabled(x=False, y=False)
        self.legend = self.plot.addLegend(offset=(10, -10))  # bottom left: where a DET curve rarely goes
        self.all_sets = MarkItem(size=3, pen=None, brush=pg.mkBrush(ALL_SETS_COLOR), name="all sets")
        self.front_line = pg.PlotDataItem(pen=pg.mkPen(FRONT_COLOR, width=2), stepMode=None, name="Pareto front")
        self.front_points = pg.ScatterPlotItem(size=FRONT_POINT_PX, pen=None, brush=pg.mkBrush(FRONT_COLOR),
                                               hoverable=True, hoverSize=FRONT_POINT_PX + 4)
        self.recommended = MarkItem(size=STAR_PX, symbol="star", pen=pg.mkPen("k"),
                                              brush=pg.mkBrush(RECOMMENDED_COLOR), name="recommended")
        self.current = MarkItem(size=MARKER_PX, symbol="o", pen=pg.mkPen(CURRENT_COLOR, width=3),
                                          brush=None, name="current parameters")
        self.target = pg.InfiniteLine(angle=90, pen=pg.mkPen("#a0a0a0", style=Qt.PenStyle.DashLine))
        for item in (self.all_sets, self.front_line, self.front_points, self.recommended, self.current, self.target):
            self.plot.addItem(item)
            if item is not self.front_points:  # marks drawn over front points must not swallow their clicks
                item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                item.setAcceptHoverEvents(False)
        self.front_points.sigClicked.connect(self._clicked)
        self._compared: list[tuple[pg.PlotDataItem, MarkItem]] = []  # kept and reused across calibrations
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self.set_dark(dark)
        self.clear()

    def set_dark(self, dark: bool) -> None:
        """Restyle the curve for the palette (View > Dark palette switches it at run time)."""
        theme.style_chart(self.plot_widget, dark)

    def clear(self) -> None:
        for item in (self.all_sets, self.front_points, self.recommended, self.current):
            item.setData([], [])
        self.show_compared([])
        self.front_line.setData([], [])
        self.target.setVisible(False)
        self._end_x_axis_at(EMPTY_AXIS_END_FA)
        self.plot.setYRange(0, PERCENT, padding=0.02)

    def show_calibration(self, fa: npt.ArrayLike, frr: npt.ArrayLike, front: Sequence[dict[str, Any]],
                         recommended: dict[str, Any] | None, target_fa_per_hour: float) -> None:
        """All sets (``fa``, ``frr`` as fractions), the front entries, the recommendation and the target."""
        x, y = fa_axis(fa), np.asarray(frr, dtype=np.float64) * PERCENT
        self.all_sets.setData(x, y)
        fx, fy = front_points(front)
        self.front_line.setData(*staircase(fx, fy))
        self.front_points.setData(fx, fy, data=list(range(len(front))))
        if recommended is not None:
            self.recommended.setData([float(fa_axis(recommended["fa_per_hour"]))], [recommended["frr"] * PERCENT])
        else:
            self.recommended.setData([], [])
        self.target.setValue(float(fa_axis(target_fa_per_hour)))
        self.target.setVisible(True)
        widest = max(float(np.max(fa)) if np.size(fa) else 0.0, target_fa_per_hour, MIN_AXIS_END_FA)
        self._end_x_axis_at(widest)
        self.plot.setYRange(0, PERCENT, padding=0.02)

    def _end_x_axis_at(self, fa_per_hour: float) -> None:
        """Show 0 to the first tick at or past ``fa_per_hour``, with room right of it for its label."""
        end = next((v for v in TICK_VALUES if v >= fa_per_hour), TICK_VALUES[-1])
        right = float(fa_axis(max(end, fa_per_hour)))
        self.plot.setXRange(0, right * (1 + LAST_LABEL_ROOM), padding=0.02)

    def show_compared(self, entries: Sequence[dict[str, Any]]) -> None:
        """Other models' Pareto fronts and recommendations (the document's ``compared`` entries)."""
        while len(self._compared) < len(entries):
            color = COMPARED_COLORS[len(self._compared) % len(COMPARED_COLORS)]
            line = pg.PlotDataItem(pen=pg.mkPen(color, width=2))
            star = MarkItem(size=COMPARED_STAR_PX, symbol="star", pen=pg.mkPen("k"), brush=pg.mkBrush(color))
            for item in (line, star):
                self.plot.addItem(item)
                item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                item.setAcceptHoverEvents(False)
            self._compared.append((line, star))
        for number, (line, star) in enumerate(self._compared):
            self.legend.removeItem(line)
            if number >= len(entries):
                line.setData([], [])
                star.setData([], [])
                continue
            entry = entries[number]
            line.setData(*staircase(*front_points(entry.get("pareto") or [])))
            self.legend.addItem(line, f"{entry['model']['name']} (compared)")
            recommended = entry.get("recommended")
            if recommended is None:
                star.setData([], [])
            else:
                star.setData([float(fa_axis(recommended["fa_per_hour"]))], [recommended["frr"] * PERCENT])

    def show_current(self, fa_per_hour: float | None, frr: float | None) -> None:
        """The current tuning parameters' figures (None hides the mark)."""
        if fa_per_hour is None or frr is None or not math.isfinite(frr):
            self.current.setData([], [])
        else:
            self.current.setData([float(fa_axis(fa_per_hour))], [frr * PERCENT])

    def _clicked(self, _item: object, points: Sequence[Any], *_: object) -> None:
        if len(points):
            self.front_point_clicked.emit(int(points[0].data()))
