"""The profile chart's layer axis: "index op" under the bars, on two staggered rows, never overlapping.

Why not pyqtgraph's own tick labels: pyqtgraph silently drops a label that sticks out of the axis, and the
first and last layers' labels, centred under bars half a layer from the axis ends, always stick out once
a name is wider than a layer's share of the axis (at 200 % scaling or a large font: no label at all). And a
single row of names needs every layer's share to hold the widest name ("2 fully_connected"), so at the
default window size every other layer lost its label. This axis measures each name in the font it is
painted in, puts neighbours on alternating rows when one row is too tight, keeps the end labels inside
the axis, and only then leaves out layers (every k-th keeps its label, named by the table's ``#``). Its
height holds the rows and the axis title whole: pyqtgraph counts 0.8 of each (its measure of one line of text
is "usually an overestimate"), which put the second row's names on the title "layer" at a large font.

:class:`CountAxis` is the chart's value axis: cycles labelled as the table prints them (400k, 1.5M), where
pyqtgraph's own labels turned to "1e+06" once a large font left room for few ticks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from workbench.gui.live.plot_style import WrappedTitleAxis

LABEL_GAP_PX = 12  # space between two neighbouring labels of a row
MAX_ROWS = 2  # more rows of names would take the chart's height
SI_PREFIXES = ((1e9, "G"), (1e6, "M"), (1e3, "k"))  # the profiler's units (workbench.profiler.export)
MAX_TICK_DECIMALS = 3


@dataclass(frozen=True)
class LabelLayout:
    """Which layers get a label (every ``step``-th) and on how many alternating rows."""

    step: int
    rows: int
    shown: tuple[int, ...]


def clamp_span(centre: float, width: float, length: float) -> tuple[float, float]:
    """The (left, right) of a label centred at ``centre``, moved inside an axis ``length`` pixels long."""
    left = min(max(centre - width / 2, 0.0), max(length - width, 0.0))
    return left, left + width


def spans_fit(spans: list[tuple[float, float]], rows: int, gap: float) -> bool:
    """True when no two labels of the same row (label k is on row k % rows) come closer than ``gap``."""
    for row in range(rows):
        own = spans[row::rows]
        if any(right + gap > next_left for (_, right), (next_left, _) in zip(own, own[1:])):
            return False
    return True


class LayerAxis(pg.AxisItem):
    """A bottom axis whose ticks are layer indices labelled with their op; ``set_layers`` gives the names."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self._names: dict[int, str] = {}
        self._rows_of: dict[int, int] = {}  # the row of each label of the last layout
        self._text_font: QFont | None = None  # the font the labels are painted in (the painter's)

    def set_layers(self, names: dict[int, str]) -> None:
        """``{index: op}`` of the layers drawn; the labels read "index op"."""
        self._names = {int(i): f"{i} {op.lower()}" for i, op in names.items()}
        self._rows_of = {}
        self.picture = None  # redraw
        self.update()

    def _metrics(self) -> QFontMetricsF:
        font = self.style.get("tickFont") or self._text_font or self.font()
        return QFontMetricsF(font)

    def layout(self, min_val: float, max_val: float, size_px: float) -> LabelLayout:
        """The densest labelling of the layers in [min_val, max_val] drawn over ``size_px`` pixels."""
        inside = [i for i in sorted(self._names) if min_val <= i <= max_val]
        if not inside or size_px <= 0 or max_val <= min_val:
            return LabelLayout(1, 1, tuple(inside))
        metrics = self._metrics()
        widths = {i: metrics.horizontalAdvance(self._names[i]) for i in inside}
        px_per_unit = size_px / (max_val - min_val)
        for step in range(1, len(inside) + 1):
            shown = [i for i in inside if i % step == 0] or inside[:1]
            if any(widths[i] > size_px for i in shown):  # a name longer than the whole axis: leave it out
                continue
            spans = [clamp_span((i - min_val) * px_per_unit, widths[i], size_px) for i in shown]
            for rows in range(1, MAX_ROWS + 1):
                if spans_fit(spans, rows, LABEL_GAP_PX):
                    return LabelLayout(step, rows, tuple(shown))
        return LabelLayout(len(inside), 1, tuple(inside[:1]))

    def label_step(self, size_px: float) -> int:
        """Every how many layers a label fits in ``size_px`` of axis spanning the layers (1: all of them)."""
        if not self._names:
            return 1
        return self.layout(min(self._names) - 0.5, max(self._names) + 0.5, size_px).step

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802,N803 (pyqtgraph's)
        if not self._names:
            return super().tickValues(minVal, maxVal, size)
        layout = self.layout(minVal, maxVal, size)
        self._rows_of = {i: n % layout.rows for n, i in enumerate(layout.shown)}
        return [(float(layout.step), [float(i) for i in layout.shown])]

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802
        # a label on the second row starts with an empty line: pyqtgraph then makes the axis two lines tall
        return ["\n" * self._rows_of.get(int(round(v)), 0) + self._names.get(int(round(v)), "") for v in values]

    def generateDrawSpecs(self, p: QPainter) -> tuple | None:  # noqa: N802 (pyqtgraph's name)
        """pyqtgraph's drawing specs, with the labels that stick out of the axis moved inside, not dropped."""
        self._text_font = self.style.get("tickFont") or p.font()
        if not self._names:
            if self.fixedHeight is not None:
                self.setHeight(None)  # pyqtgraph's own height for its own labels
            return super().generateDrawSpecs(p)
        widest = max(self._metrics().horizontalAdvance(name) for name in self._names.values())
        keep = self.style["hideOverlappingLabels"]
        self.style["hideOverlappingLabels"] = int(widest) + 1  # let every label through, clamped below
        try:
            specs = super().generateDrawSpecs(p)
        finally:
            self.style["hideOverlappingLabels"] = keep
        if specs is None:
            return None
        self._fit_height(max(self._rows_of.values(), default=0) + 1)
        axis_spec, tick_specs, text_specs = specs
        bounds = self.mapRectFromParent(self.geometry())
        placed = []
        for rect, flags, text in text_specs:
            left, _ = clamp_span(rect.center().x() - bounds.left(), rect.width(), bounds.width())
            placed.append((QRectF(bounds.left() + left, rect.top(), rect.width(), rect.height()), flags, text))
        return axis_spec, tick_specs, placed

    def _fit_height(self, rows: int) -> None:
        """Make the axis as tall as ``rows`` of names, the gap above them and the title below, all whole."""
        metrics = self._metrics()
        names = metrics.lineSpacing() * (rows - 1) + metrics.height()
        title = self.label.boundingRect().height() if self.label.isVisible() else 0.0
        height = math.ceil(names + self.style["tickTextOffset"][1] + max(0, self.style["tickLength"]) + title)
        if self.fixedHeight != height:
            self.setHeight(height)  # laid out again, and painted again with the same rows


def si_tick_strings(values: list[float], spacing: float) -> list[str]:
    """Tick labels with one SI prefix for the whole set (0, 200k, 400k; 1.0M, 1.5M), with just the decimals
    that tell ticks ``spacing`` apart."""
    largest = max((abs(v) for v in values), default=0.0)
    step, prefix = next(((size, name) for size, name in SI_PREFIXES if largest >= size), (1.0, ""))
    decimals = math.ceil(-math.log10(spacing / step)) if spacing > 0 else 0
    decimals = min(max(decimals, 0), MAX_TICK_DECIMALS)
    return [f"{v / step:.{decimals}f}{prefix}" if v else "0" for v in values]


class CountAxis(WrappedTitleAxis):
    """A value axis (cycles) whose tick labels carry k/M/G, as the layer table's figures do."""

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802 (pyqtgraph's)
        return si_tick_strings([float(v) * scale for v in values], float(spacing) * scale)
