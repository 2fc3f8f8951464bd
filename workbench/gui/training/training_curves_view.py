"""Loss and accuracy per epoch, training and validation, while a model trains.

Why two plots side by side: the accuracy curves show whether the model is still getting better on
speakers it does not train on (what early stopping watches), the loss curves show over-fitting
(training loss falling while validation loss rises) before the accuracy does. The best epoch (the
checkpoint the model will be made from) is marked on both.

Why the legends move: each sits in a corner of its chart, and a corner that is empty for one run (accuracy
rising to the top right) holds the curves of another (a run stuck at 0.3), more so at a large font, where the
legend is a third of the chart. After every epoch, resize and range change the legend goes to the first
corner of its list that no curve passes through (:meth:`TrainingCurvesView.place_legend`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.gui import theme
from workbench.gui.live.plot_style import fix_plot
from workbench.gui.theme import CLASS_COLORS

TRAIN_COLOR, VALIDATION_COLOR = CLASS_COLORS[0], CLASS_COLORS[1]
BEST_COLOR = CLASS_COLORS[2]
LINE_WIDTH = 2
SYMBOL_PX = 5
METRICS = ("accuracy", "loss")
# a legend's corners of its chart, as pyqtgraph offsets from the chart's edges (negative: from the right or bottom)
TOP_RIGHT, BOTTOM_RIGHT, TOP_LEFT, BOTTOM_LEFT = (-10, 10), (-10, -10), (10, 10), (10, -10)
# accuracy rises towards the top, loss falls towards the bottom: each legend first tries where its curves are not
LEGEND_CORNERS = {"accuracy": (BOTTOM_RIGHT, TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT),
                  "loss": (TOP_RIGHT, BOTTOM_LEFT, BOTTOM_RIGHT, TOP_LEFT)}
DESCRIPTIONS = {
    "accuracy": "Training and validation accuracy per epoch; a dashed line marks the best epoch.",
    "loss": "Training and validation loss per epoch; a dashed line marks the best epoch.",
}


class WholeNumberAxis(pg.AxisItem):
    """Whole numbers only (epochs, trials): pyqtgraph's automatic ticks would also label 1.5, 2.5, …"""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802 (pyqtgraph's name)
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            whole = [v for v in values if float(v).is_integer()]
            if spacing >= 1 and whole:
                levels.append((spacing, whole))
        if not levels:  # zoomed in to less than an epoch per tick: one tick per epoch
            levels.append((1.0, [float(v) for v in range(int(np.ceil(minVal)), int(np.floor(maxVal)) + 1)]))
        return levels


class TrainingCurvesView(QWidget):
    """``add_epoch(event)`` for each epoch event of ``kws train --progress jsonl``; ``clear()``."""

    def __init__(self, dark: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.epochs: list[int] = []
        self.values: dict[str, list[float]] = {}
        self.best_epoch = 0
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._best_lines: list[pg.InfiniteLine] = []
        self.plots: dict[str, pg.PlotItem] = {}
        self.plot_widgets: dict[str, pg.PlotWidget] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for metric in METRICS:
            widget = pg.PlotWidget(axisItems={"bottom": WholeNumberAxis("bottom")})
            theme.describe_view(widget, f"{metric.capitalize()} chart", DESCRIPTIONS[metric])
            plot = widget.getPlotItem()
            fix_plot(plot)
            plot.setTitle(metric)
            plot.setLabel("bottom", "epoch")
            plot.addLegend(offset=LEGEND_CORNERS[metric][0])
            for prefix, color, name in (("", TRAIN_COLOR, "training"), ("val_", VALIDATION_COLOR, "validation")):
                key = prefix + metric
                self._curves[key] = plot.plot([], [], pen=pg.mkPen(color, width=LINE_WIDTH), name=name,
                                              symbol="o", symbolSize=SYMBOL_PX, symbolBrush=color, symbolPen=None)
                self.values[key] = []
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(BEST_COLOR, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
            self._best_lines.append(line)
            self.plots[metric] = plot
            self.plot_widgets[metric] = widget
            layout.addWidget(widget)
            plot.vb.sigResized.connect(lambda _vb, m=metric: self.place_legend(m))
            plot.vb.sigRangeChanged.connect(lambda _vb, _range, _changed, m=metric: self.place_legend(m))
        self.plots["accuracy"].setYRange(0.0, 1.0, padding=0.02)
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        """Restyle both charts for the palette (View > Dark palette switches it at run time)."""
        for widget in self.plot_widgets.values():
            theme.style_chart(widget, dark, fixed_left_axis=False)  # "0.8" needs less than the live plots' width
        for metric in METRICS:
            self.place_legend(metric)  # the legend's size follows the font

    def clear(self) -> None:
        self.epochs.clear()
        for key in self.values:
            self.values[key] = []
            self._curves[key].setData([], [])
        self.best_epoch = 0
        for line in self._best_lines:
            line.setVisible(False)

    def add_epoch(self, event: dict[str, Any]) -> None:
        """Append one epoch's figures (a resumed run restarts the curve where it left off)."""
        epoch = int(event.get("epoch", len(self.epochs) + 1))
        while self.epochs and self.epochs[-1] >= epoch:  # the same epoch again: a resumed run
            self.epochs.pop()
            for key in self.values:
                if self.values[key]:
                    self.values[key].pop()
        self.epochs.append(epoch)
        for key in self.values:
            value = event.get(key)
            self.values[key].append(float(value) if value is not None else float("nan"))
            self._curves[key].setData(self.epochs, self.values[key])
        best = int(event.get("best_epoch", 0) or 0)
        if best:
            self.best_epoch = best
            for line in self._best_lines:
                line.setPos(best)
                line.setVisible(True)
        for metric in METRICS:
            self.place_legend(metric)

    def curve_points(self, key: str) -> tuple[list[int], list[float]]:
        """What the curve ``key`` (e.g. ``val_accuracy``) shows: (epochs, values)."""
        return list(self.epochs), list(self.values[key])

    # -- legends -------------------------------------------------------------------------------------
    def curve_strokes(self, metric: str) -> list[QPainterPath]:
        """The area each of ``metric``'s curves (with its dots) covers, in its view box's pixels."""
        view = self.plots[metric].vb
        strokes = []
        stroker = QPainterPathStroker()
        stroker.setWidth(LINE_WIDTH + SYMBOL_PX)
        for key in (metric, "val_" + metric):
            points = [view.mapFromView(QPointF(x, y)) for x, y in zip(self.epochs, self.values[key])
                      if not math.isnan(y)]
            if points:
                path = QPainterPath(points[0])
                for point in points[1:]:
                    path.lineTo(point)
                strokes.append(stroker.createStroke(path) if len(points) > 1 else _dot(points[0], SYMBOL_PX))
        return strokes

    def place_legend(self, metric: str) -> None:
        """Move ``metric``'s legend to the first of its corners that no curve passes through (where the least of
        them passes, when every corner is crossed)."""
        legend = self.plots[metric].legend
        area, size = self.plots[metric].vb.boundingRect(), legend.boundingRect().size()
        strokes = self.curve_strokes(metric)

        def covered(offset: tuple[int, int]) -> float:
            left = area.right() + offset[0] - size.width() if offset[0] < 0 else area.left() + offset[0]
            top = area.bottom() + offset[1] - size.height() if offset[1] < 0 else area.top() + offset[1]
            spot = QPainterPath()
            spot.addRect(QRectF(left, top, size.width(), size.height()))
            return sum(_area(stroke.intersected(spot)) for stroke in strokes if stroke.intersects(spot))

        corner = min(LEGEND_CORNERS[metric], key=covered)  # min keeps the first of equally covered corners
        if tuple(legend.opts["offset"]) != corner:  # (pyqtgraph hides offset() behind an attribute)
            legend.setOffset(corner)


def _dot(centre: QPointF, diameter: float) -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(centre, diameter / 2, diameter / 2)
    return path


def _area(path: QPainterPath) -> float:
    box = path.boundingRect()
    return box.width() * box.height()
