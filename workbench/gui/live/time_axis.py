"""The live plots' stream-time axis, cheap to move ten times a second.

Why not pyqtgraph's ``AxisItem`` as it is: the scores plot follows the stream, so its time axis moves
once per inference. pyqtgraph then rebuilds the axis from scratch -- chooses ticks with numpy, measures
every label with ``QPainter.boundingRect`` (a full text layout), records the drawing in a ``QPicture``
and replays it, laying the text out again -- about a millisecond a move, as much as everything else
the scores view paints. This axis picks round tick steps itself, draws each label from a cached
``QStaticText`` (a label seen before costs one glyph blit), and can label a plot whose items are
shifted rather than its range moved (:meth:`set_shift`, see ``ShiftPlacement``).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QFontMetrics, QPainter, QPen, QStaticText

MAX_CACHED_LABELS = 512  # a long session scrolls through new labels; forget them past this many
MINOR_TICK_ALPHA = 0.5  # minor ticks are drawn fainter and half as long
MINOR_PER_MAJOR = 5
TEXT_GAP_PX = 2  # between a tick's end and its label (pyqtgraph's vertical tickTextOffset)
MIN_MAJOR_PX = 60  # labelled ticks at least this far apart
MIN_MINOR_PX = 8
NICE_STEPS = (1.0, 2.0, 5.0)  # times a power of ten


def major_step(span: float, pixels: float) -> float:
    """The smallest round step (1, 2 or 5 times a power of ten) with ticks ``MIN_MAJOR_PX`` apart."""
    wanted = span * MIN_MAJOR_PX / max(pixels, 1.0)
    power = 10.0 ** math.floor(math.log10(wanted)) if wanted > 0 else 1.0
    for factor in NICE_STEPS + (10.0,):
        if factor * power >= wanted:
            return factor * power
    return 10.0 * power


def tick_text(value: float, step: float) -> str:
    """A label with as many decimals as the step needs ("12" for whole seconds, "12.5" for 0.5 s)."""
    decimals = max(0, math.ceil(-math.log10(step) - 1e-9))
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


class TimeAxisItem(pg.AxisItem):
    """A bottom time axis: major ticks labelled, minor ticks between, labels = x + shift."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("bottom", **kwargs)
        self.shift = 0.0
        self._labels: dict[str, QStaticText] = {}
        # pyqtgraph sizes an axis from the text it measured while drawing; this one never measures
        # while drawing, so it reserves one line of the tick font
        self.setStyle(autoExpandTextSpace=False, tickTextHeight=QFontMetrics(self.font()).height())

    def set_shift(self, shift: float) -> None:
        """Label position x as stream time ``x + shift`` (the items are drawn ``shift`` to the left)."""
        if shift != self.shift:
            self.shift = float(shift)
            self.update()

    def label_text(self, text: str) -> QStaticText:
        """The prepared text of a tick label (made once, then reused)."""
        static = self._labels.get(text)
        if static is None:
            if len(self._labels) >= MAX_CACHED_LABELS:
                self._labels.clear()
            static = QStaticText(text)
            self._labels[text] = static
        return static

    def tick_positions(self) -> list[tuple[int, float, str | None]]:
        """(level, x in item pixels, label or None) of the ticks in view; level 0 is major."""
        view = self.linkedView()
        if view is None:
            return []
        lo, hi = (float(v) + self.shift for v in self.range)
        span = view.mapRectToItem(self, view.boundingRect())
        width = span.width()
        if hi <= lo or width <= 0:
            return []
        scale = width / (hi - lo)
        step = major_step(hi - lo, width)
        minor = step / MINOR_PER_MAJOR
        with_minor = minor * scale >= MIN_MINOR_PX
        ticks: list[tuple[int, float, str | None]] = []
        first = math.ceil(lo / (minor if with_minor else step) - 1e-9)
        last = math.floor(hi / (minor if with_minor else step) + 1e-9)
        for k in range(first, last + 1):
            value = k * (minor if with_minor else step)
            major = not with_minor or k % MINOR_PER_MAJOR == 0
            x = span.left() + (value - lo) * scale
            ticks.append((0, x, tick_text(value, step)) if major else (1, x, None))
        return ticks

    def paint(self, painter: QPainter, *args: object) -> None:  # noqa: D102 (Qt API)
        bounds = self.mapRectFromParent(self.geometry())
        top = bounds.top()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(self.pen())
        painter.setPen(pen)
        painter.drawLine(QLineF(bounds.left(), top, bounds.right(), top))
        tick_length = float(self.style["tickLength"])
        minor = QPen(pen)
        color = minor.color()
        color.setAlphaF(color.alphaF() * MINOR_TICK_ALPHA)
        minor.setColor(color)
        if self.style["tickFont"] is not None:
            painter.setFont(self.style["tickFont"])
        text_top = top + max(0.0, tick_length) + TEXT_GAP_PX
        major_lines: list[QLineF] = []
        minor_lines: list[QLineF] = []
        labels: list[tuple[float, QStaticText]] = []
        for level, x, text in self.tick_positions():
            if level == 0:
                major_lines.append(QLineF(x, top, x, top + tick_length))
                if text is not None and self.style["showValues"]:
                    labels.append((x, self.label_text(text)))
            else:
                minor_lines.append(QLineF(x, top, x, top + tick_length / 2))
        painter.drawLines(major_lines)
        painter.setPen(minor)
        painter.drawLines(minor_lines)
        painter.setPen(self.textPen())
        for x, static in labels:
            size = static.size()
            left = x - size.width() / 2
            if left >= bounds.left() and left + size.width() <= bounds.right():
                painter.drawStaticText(QPointF(left, text_top), static)
