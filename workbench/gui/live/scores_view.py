"""Class scores over stream time, the detection threshold, and the current score of every class.

A view over ``LiveSession.inferences`` (rows ``[time_s, raw scores..., averaged scores...]``, scores
0–255 as the firmware prints them). Each class has one colour, a thick trace for the averaged score
(what the detector compares with the threshold) and a thin translucent trace for the raw model output,
so one sees both how noisy the model is and what smoothing does. The threshold (and per-class
thresholds when the model sets ``detection_threshold_list``: one per keyword value, in the keywords'
colours, none for ``_`` classes the firmware never reports) is a dashed line. The side plot shows the
newest averaged score per class as bars.

A board running the same model in verbose mode reports its own scores over serial; they are drawn as
dashed traces in the class colours at the PC's stream time of their arrival (:meth:`add_board_scores`),
so a user sees at a glance whether the board hears what the PC hears.

Drawing: one :class:`~workbench.gui.live.score_items.ScoreTraces` item holds every trace in a preallocated
array and a :class:`~workbench.gui.live.score_items.ScoreBars` widget paints the bars; both are fed once per
inference with only what can be seen (ten seconds are ~100 points per trace; the minute when frozen).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.gui import theme
from workbench.gui.live.font_restyled_view import FontRestyledView
from workbench.gui.live.plot_style import fix_plot
from workbench.gui.live.score_items import ScoreBars, ScoreTraces, ThresholdMark, threshold_marks
from workbench.gui.live.scrolling_items import ShiftPlacement, make_room
from workbench.gui.live.spectrogram_view import VISIBLE_SECONDS
from workbench.gui.live.time_axis import TimeAxisItem

SCORE_MAX = 255
SCORE_MARGIN = 8  # headroom so a 255 score is not drawn on the frame
AVERAGED_WIDTH = 2.5
RAW_WIDTH = 1.0
RAW_ALPHA = 110  # of 255: raw scores stay visible behind the averaged ones
SCORE_TICKS = (0, 64, 128, 192, 255)  # fixed ticks and faint level lines (quarters of the range)
BOARD_WIDTH = 1.5
BOARD_CAPACITY = 6000  # a minute of board results at the firmware's fastest loop (10 ms)
MAX_LEGEND_SHARE = 0.3  # of the plot widget's height: a taller legend is left out (the bars name the classes)


class ScoresView(FontRestyledView):
    """Score traces (left, time-linked with the spectrogram) and current-score bars (right)."""

    def __init__(self, parent: QWidget | None = None, dark: bool = True) -> None:
        super().__init__(parent)
        # legend in its own row above the plot, so it never hides a score near 255
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.legend = pg.LegendItem(colCount=len(theme.CLASS_COLORS), horSpacing=16)
        self.plot_widget.addItem(self.legend, row=0, col=0)
        self.legend_shown = True  # False while it would take too much of a short plot's height (_fit_legend)
        self.time_axis = TimeAxisItem()
        self.plot = self.plot_widget.addPlot(row=1, col=0, axisItems={"bottom": self.time_axis})
        self.plot_widget.ci.setContentsMargins(0, 0, 0, 0)
        self.plot_widget.ci.setSpacing(0)
        self.plot_widget.installEventFilter(self)  # refit the legend before pyqtgraph lays out the new size
        fix_plot(self.plot)
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
        self.traces = ScoreTraces()
        self.plot.addItem(self.traces)
        self.board_traces = ScoreTraces()  # dashed: the board's own scores, when it reports them
        self.plot.addItem(self.board_traces)
        self._placement = ShiftPlacement(self.plot, (self.traces, self.board_traces), VISIBLE_SECONDS,
                                         self.time_axis)
        self._board_rows = np.zeros((BOARD_CAPACITY, 1))
        self._board_count = 0
        self.bars = ScoreBars()
        theme.describe_view(self.plot_widget, "Class scores",
                            "Each class's score from 0 to 255 over the last ten seconds, with the detection threshold "
                            "dashed.")
        theme.describe_view(self.bars, "Current scores",
                            "The newest averaged score of each class as a bar from 0 to 255, with the threshold "
                            "dashed.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.bars)
        self.frozen = False
        self.follow = True  # keep the newest VISIBLE_SECONDS in view (moves once per inference)
        self.classes: tuple[str, ...] = ()
        self.threshold_lines: list[pg.InfiniteLine] = []
        self.threshold_marks: list[ThresholdMark] = []
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
        self.traces.configure(self._pens(), history.capacity)
        self.clear_board_scores()
        self.bars.set_scores(np.zeros(len(classes)))
        self.set_detection_settings(session.engine.detection_settings)  # type: ignore[attr-defined]

    def _build_items(self, classes: tuple[str, ...]) -> None:
        self.legend.clear()
        self.classes = classes
        for i, name in enumerate(classes):  # legend samples only: the traces item draws the data
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(theme.class_color(i), width=AVERAGED_WIDTH)), name)
        self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen("#888888", width=RAW_WIDTH)), "raw")
        self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen("#888888", width=AVERAGED_WIDTH)), "averaged")
        self.bars.set_classes(classes, [theme.class_color(i) for i in range(len(classes))])
        self._fit_legend()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Refit the legend on every resize of the plot widget, before the widget handles it itself (its plot is
        then laid out in the new width with a legend that fits): the window or a dock changed size, the side bars
        another width, or the hidden Live workspace is shown (Qt holds a hidden widget's resizes back until then;
        its classes may have arrived at another width)."""
        if watched is self.plot_widget and event.type() == QEvent.Type.Resize:
            self._fit_legend()
        return super().eventFilter(watched, event)

    def _fit_legend(self) -> None:
        """As many legend columns as fit the plot widget's width, the legend left out where it would take more than
        :data:`MAX_LEGEND_SHARE` of the height, then the plot laid out again in the widget's size.

        Why the layout again: a legend wider than the widget widens the plot's layout past the widget's edge
        (the layout never shrinks below its items' minimum), so the right of the plot (the newest seconds,
        the time axis' title, half the legend) was cut off and its time axis no longer lined up with the
        views above (linked axes align by screen position). Fewer columns lower that minimum, but the layout
        keeps the wider geometry it was clamped to until it is given the widget's size again.

        Why left out: in a narrow plot (a large font, a small screen, a model of seven classes) the legend took one
        row per class and left the traces a strip or nothing. The bars beside the plot name every class with its
        colour, and the plot's tooltip says what the thick, thin and dashed lines are."""
        width = self.plot_widget.width()
        for columns in range(max(len(self.legend.items), 1), 0, -1):
            self.legend.setColumnCount(columns)
            if self.legend.minimumWidth() <= width:
                break
        fits = self.legend.minimumHeight() <= self.plot_widget.height() * MAX_LEGEND_SHARE
        if fits != self.legend_shown:
            if fits:
                self.plot_widget.addItem(self.legend, row=0, col=0)
            else:
                self.plot_widget.ci.removeItem(self.legend)
            self.legend_shown = fits
        self.plot_widget.ci.setGeometry(QRectF(self.plot_widget.rect()))

    def _pens(self) -> list[QPen]:
        """Raw traces first (thin, translucent), then the averaged ones on top (thick)."""
        raw, averaged = [], []
        for i in range(len(self.classes)):
            color = theme.class_color(i)
            averaged.append(pg.mkPen(color, width=AVERAGED_WIDTH))
            color = theme.class_color(i)
            color.setAlpha(RAW_ALPHA)
            raw.append(pg.mkPen(color, width=RAW_WIDTH))
        return raw + averaged

    # -- the board's scores ----------------------------------------------------------------------
    def add_board_scores(self, time_s: float, scores: object, classes: tuple[str, ...] = ()) -> None:
        """One board inference (0–255 scores in class order) at stream time ``time_s``.

        ``classes`` are the model's (the plot may not have them yet when the PC is not streaming)."""
        if classes and tuple(classes) != self.classes:
            self._build_items(tuple(classes))
        values = np.asarray(scores, np.float64).ravel()
        if not self.classes or values.size != len(self.classes):
            return  # another model on the board: its scores cannot be compared class by class
        if self._board_count == 0:
            self._board_rows = np.zeros((BOARD_CAPACITY, 1 + values.size), np.float64)
            pens = [pg.mkPen(theme.class_color(i), width=BOARD_WIDTH, style=Qt.PenStyle.DashLine)
                    for i in range(values.size)]
            self.board_traces.configure(pens, BOARD_CAPACITY)
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen("#888888", width=BOARD_WIDTH,
                                                             style=Qt.PenStyle.DashLine)), "board")
            self._fit_legend()
        row = make_room(self._board_rows, 1)
        row[0, 0], row[0, 1:] = time_s, values
        self._board_count = min(self._board_count + 1, BOARD_CAPACITY)
        if not self.frozen:
            self._draw_board()

    def clear_board_scores(self) -> None:
        if self._board_count:
            self.legend.removeItem("board")
            self._fit_legend()
        self._board_count = 0
        self.board_traces.configure([], 1)

    def board_scores(self) -> np.ndarray:
        """(n, 1 + classes) rows of [time_s, scores…] received from the board, oldest first."""
        return self._board_rows[len(self._board_rows) - self._board_count :].copy()

    def _draw_board(self) -> None:
        if self._board_count == 0:
            return
        shown = self._board_rows[len(self._board_rows) - self._board_count :]
        if self.follow and not self.frozen:
            first = max(int(np.searchsorted(shown[:, 0], shown[-1, 0] - VISIBLE_SECONDS)) - 1, 0)
            shown = shown[first:]
        self.board_traces.set_data(shown[:, 0], shown[:, 1:])

    def set_detection_settings(self, settings: object) -> None:
        """Draw the global threshold, or with per-class thresholds one line per value the keywords use, in their
        colours (see :func:`threshold_marks`: none for the classes the firmware never reports)."""
        self._settings = settings
        for line in self.threshold_lines:
            self.plot.removeItem(line)
        self.threshold_lines = []
        per_class = list(getattr(settings, "detection_threshold_list", None) or [])
        threshold = int(getattr(settings, "detection_threshold", SCORE_MAX))
        self.threshold_marks = threshold_marks(self.classes, per_class, threshold,
                                               theme.plot_colors(self._dark).threshold)
        for mark in self.threshold_marks:
            for pen in mark.pens():  # one line per colour at the same value: their dashes take turns
                line = pg.InfiniteLine(pos=mark.value, angle=0, pen=pen, movable=False)
                self.plot.addItem(line)
                self.threshold_lines.append(line)
        self.bars.set_thresholds(self.threshold_marks)
        named = [f"{' and '.join(m.names)} {m.value}" for m in self.threshold_marks if m.names]
        which = f"detection thresholds ({'; '.join(named)})" if named else "detection threshold"
        self.plot.setToolTip(
            "Scores 0-255 as the firmware prints them. Thick: averaged over average_window_duration_ms "
            f"(compared with the threshold); thin: raw model output. Dashed: {which}.")

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
        make_room(buf, n)[:] = rows[-n:]
        self._count = min(self._count + n, buf.shape[0])
        self.bars.set_scores(buf[-1, 1 + len(self.classes) :])
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
        self.traces.set_data(times, shown[:, 1:])  # raw then averaged, as the pens are ordered
        self._placement.place(end, following)

    def plotted_scores(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times, raw, averaged) currently held for the plot, oldest first; raw/averaged are (n, classes)."""
        shown = self._rows[len(self._rows) - self._count :]
        k = len(self.classes)
        return shown[:, 0].copy(), shown[:, 1 : 1 + k].copy(), shown[:, 1 + k :].copy()

    def set_frozen(self, frozen: bool) -> None:
        self.frozen = frozen
        self.plot.setMouseEnabled(x=frozen, y=False)
        self._draw_traces()  # the whole minute while frozen
        self._draw_board()

    def set_dark(self, dark: bool) -> None:
        """Colours for the palette; fonts and text room for the application font (again on a font change)."""
        self._dark = dark
        colors = theme.plot_colors(dark)
        self.plot_widget.setBackground(colors.background)
        theme.style_plot(self.plot, dark)
        self.bars.set_colors(colors.background, colors.foreground)
        self.bars.setFixedWidth(theme.side_panel_px(self.font()))
        theme.style_legend(self.legend, dark)
        self._fit_legend()
        for line in self.level_lines:
            line.setPen(pg.mkPen(colors.grid, width=1))
        if self._settings is not None:
            self.set_detection_settings(self._settings)
