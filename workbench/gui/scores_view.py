"""Class scores over stream time, the detection threshold, and the current score of every class.

A view over ``LiveSession.inferences`` (rows ``[time_s, raw scores..., averaged scores...]``, scores
0–255 as the firmware prints them). Each class has one colour, a thick trace for the averaged score
(what the detector compares with the threshold) and a thin translucent trace for the raw model output,
so one sees both how noisy the model is and what smoothing does. The threshold (and per-class
thresholds when the model sets ``detection_threshold_list``) is a dashed line. The side plot shows the
newest averaged score per class as bars.

pyqtgraph practice: the curves, lines and bars are created once per session and fed with ``setData`` /
``setOpts`` on slices of one preallocated array, once per inference, sliced to the visible range
(no per-frame clipping or downsampling: ten seconds are ~100 points per trace).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.gui import theme
from workbench.gui.plot_style import fixed_plot
from workbench.gui.spectrogram_view import VISIBLE_SECONDS

SCORE_MAX = 255
SCORE_MARGIN = 8  # headroom so a 255 score is not drawn on the frame
AVERAGED_WIDTH = 2.5
RAW_WIDTH = 1.0
RAW_ALPHA = 110  # of 255: raw scores stay visible behind the averaged ones
BAR_HEIGHT = 0.7
SCORE_TICKS = (0, 64, 128, 192, 255)  # fixed ticks and faint level lines (quarters of the range)


class ScoresView(QWidget):
    """Score traces (left, time-linked with the spectrogram) and current-score bars (right)."""

    def __init__(self, parent: QWidget | None = None, dark: bool = True) -> None:
        super().__init__(parent)
        # legend in its own row above the plot, so it never hides a score near 255
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.legend = pg.LegendItem(colCount=len(theme.CLASS_COLORS), horSpacing=16)
        self.plot_widget.addItem(self.legend, row=0, col=0)
        self.plot = self.plot_widget.addPlot(row=1, col=0)
        self.plot_widget.ci.setContentsMargins(0, 0, 0, 0)
        self.plot_widget.ci.setSpacing(0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("left", "score")
        self.plot.hideAxis("bottom")  # shares the spectrogram's time axis
        self.plot.setYRange(0, SCORE_MAX + SCORE_MARGIN, padding=0)
        self.plot.getAxis("left").setTicks([[(v, str(v)) for v in SCORE_TICKS], []])
        self.level_lines = []
        for value in SCORE_TICKS[1:]:
            line = pg.InfiniteLine(pos=value, angle=0, movable=False)
            line.setZValue(-10)
            self.plot.addItem(line)
            self.level_lines.append(line)
        self.bars_widget, self.bars_plot = fixed_plot()
        self.bars_plot.setMouseEnabled(x=False, y=False)
        self.bars_plot.setXRange(0, SCORE_MAX, padding=0.02)
        self.bars_plot.invertY(True)
        self.bars_plot.hideAxis("left")  # class names are drawn inside the bar area instead
        self.bars_widget.setFixedWidth(theme.SIDE_PANEL_PX)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.bars_widget)
        self.frozen = False
        self.follow = True  # keep the newest VISIBLE_SECONDS in view (moves once per inference)
        self.classes: tuple[str, ...] = ()
        self.averaged_curves: list[pg.PlotDataItem] = []
        self.raw_curves: list[pg.PlotDataItem] = []
        self.threshold_lines: list[pg.InfiniteLine] = []
        self.bar_threshold_lines: list[pg.InfiniteLine] = []
        self.bars: pg.BarGraphItem | None = None
        self.bar_labels: list[pg.TextItem] = []
        self._session: object | None = None
        self._cursor = 0
        self._rows = np.zeros((0, 1))
        self._count = 0
        self._dark = dark
        self._settings: object | None = None
        self.set_dark(dark)

    # -- binding ------------------------------------------------------------------------------
    def bind(self, session: object | None) -> None:
        """Show ``session``'s scores from its start; rebuilds the items when the classes change."""
        self._session = session
        self._cursor = 0
        self._count = 0
        if session is None:
            return
        history = session.inferences  # type: ignore[attr-defined]
        classes = tuple(session.engine.classes)  # type: ignore[attr-defined]
        self._rows = np.zeros((history.capacity, history.width), np.float64)
        if classes != self.classes:
            self._build_items(classes)
        for curve in (*self.averaged_curves, *self.raw_curves):
            curve.setData([], [])
        self.bars.setOpts(width=np.zeros(len(classes)))  # type: ignore[union-attr]
        self.set_detection_settings(session.engine.detection_settings)  # type: ignore[attr-defined]

    def _build_items(self, classes: tuple[str, ...]) -> None:
        for item in (*self.averaged_curves, *self.raw_curves):
            self.plot.removeItem(item)
        self.legend.clear()
        if self.bars is not None:
            self.bars_plot.removeItem(self.bars)
        for label in self.bar_labels:
            self.bars_plot.removeItem(label)
        self.classes = classes
        self.averaged_curves, self.raw_curves = [], []
        for i, name in enumerate(classes):
            color = theme.class_color(i)
            raw_color = theme.class_color(i)
            raw_color.setAlpha(RAW_ALPHA)
            raw = self.plot.plot(pen=pg.mkPen(raw_color, width=RAW_WIDTH))
            averaged = self.plot.plot(pen=pg.mkPen(color, width=AVERAGED_WIDTH), name=name)
            self.raw_curves.append(raw)
            self.averaged_curves.append(averaged)
            self.legend.addItem(averaged, name)
        self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen("#888888", width=RAW_WIDTH)), "raw")
        self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen("#888888", width=AVERAGED_WIDTH)), "averaged")
        n = len(classes)
        self.bars = pg.BarGraphItem(x0=np.zeros(n), y=np.arange(n), height=BAR_HEIGHT, width=np.zeros(n),
                                    brushes=[theme.class_color(i) for i in range(n)], pen=None)
        self.bars_plot.addItem(self.bars)
        self.bar_labels = []
        for i, name in enumerate(classes):
            label = pg.TextItem(name, anchor=(0, 0.5), color=theme.plot_colors(self._dark).foreground)
            label.setPos(0, i)
            label.setZValue(1)
            self.bars_plot.addItem(label)
            self.bar_labels.append(label)
        self.bars_plot.setYRange(-0.5, n - 0.5, padding=0.05)

    def set_detection_settings(self, settings: object) -> None:
        """Draw the global threshold, or one line per class when per-class thresholds are set."""
        self._settings = settings
        for line in self.threshold_lines:
            self.plot.removeItem(line)
        for line in self.bar_threshold_lines:
            self.bars_plot.removeItem(line)
        self.threshold_lines, self.bar_threshold_lines = [], []
        per_class = list(getattr(settings, "detection_threshold_list", None) or [])
        threshold = int(getattr(settings, "detection_threshold", SCORE_MAX))
        color = theme.plot_colors(self._dark).threshold
        if per_class and len(per_class) == len(self.classes):
            lines = [(int(t), theme.class_color(i)) for i, t in enumerate(per_class)]
        else:
            lines = [(threshold, color)]
        for value, pen_color in lines:
            pen = pg.mkPen(pen_color, width=1.5, style=Qt.PenStyle.DashLine)
            line = pg.InfiniteLine(pos=value, angle=0, pen=pen, movable=False)
            self.plot.addItem(line)
            self.threshold_lines.append(line)
            bar_line = pg.InfiniteLine(pos=value, angle=90, pen=pen, movable=False)
            self.bars_plot.addItem(bar_line)
            self.bar_threshold_lines.append(bar_line)
        self.plot.setToolTip(
            "Scores 0-255 as the firmware prints them. Thick: averaged over average_window_duration_ms "
            "(compared with the threshold); thin: raw model output. Dashed: detection threshold.")

    # -- frames -------------------------------------------------------------------------------
    def refresh(self) -> int:
        """Pull the inferences that are new since the last frame; returns how many arrived."""
        if self._session is None or self.frozen:
            return 0
        rows, total = self._session.inferences.since(self._cursor)  # type: ignore[attr-defined]
        self._cursor = total
        buf = self._rows
        n = min(rows.shape[0], buf.shape[0])
        if n == 0:
            return 0
        buf[:-n] = buf[n:]
        buf[-n:] = rows[-n:]
        self._count = min(self._count + n, buf.shape[0])
        k = len(self.classes)
        self.bars.setOpts(width=buf[-1, 1 + k :])  # type: ignore[union-attr]
        self._draw_traces()
        return n

    def _draw_traces(self) -> None:
        """Hand the curves what can be seen: the last VISIBLE_SECONDS while following (plus the point
        just before, so the line enters from the left edge), the whole minute when frozen."""
        shown = self._rows[len(self._rows) - self._count :]
        if self._count == 0:
            return
        times = shown[:, 0]
        following = self.follow and not self.frozen
        end = float(times[-1])
        if following:
            first = max(int(np.searchsorted(times, end - VISIBLE_SECONDS)) - 1, 0)
            shown, times = shown[first:], times[first:]
        k = len(self.classes)
        for i in range(k):
            self.raw_curves[i].setData(times, shown[:, 1 + i], skipFiniteCheck=True)
            self.averaged_curves[i].setData(times, shown[:, 1 + k + i], skipFiniteCheck=True)
        if following:
            start = max(end - VISIBLE_SECONDS, 0.0)
            self.plot.setXRange(start, start + VISIBLE_SECONDS, padding=0)

    def plotted_scores(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times, raw, averaged) currently held for the plot, oldest first; raw/averaged are (n, classes)."""
        shown = self._rows[len(self._rows) - self._count :]
        k = len(self.classes)
        return shown[:, 0].copy(), shown[:, 1 : 1 + k].copy(), shown[:, 1 + k :].copy()

    def set_frozen(self, frozen: bool) -> None:
        self.frozen = frozen
        self.plot.setMouseEnabled(x=frozen, y=False)
        self._draw_traces()  # the whole minute while frozen

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        background = theme.plot_colors(dark).background
        for widget, plot in ((self.plot_widget, self.plot), (self.bars_widget, self.bars_plot)):
            widget.setBackground(background)
            theme.style_plot(plot, dark)
        for label in self.bar_labels:
            label.setColor(theme.plot_colors(dark).foreground)
        self.legend.setLabelTextColor(theme.plot_colors(dark).foreground)
        for line in self.level_lines:
            line.setPen(pg.mkPen(theme.plot_colors(dark).grid, width=1))
        if self._settings is not None:
            self.set_detection_settings(self._settings)
