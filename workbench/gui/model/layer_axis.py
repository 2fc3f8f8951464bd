"""The profile chart's layer axis: "index op" under the bars, thinned out so the names never overlap.

Why not fixed ticks: pyqtgraph draws every fixed tick, so on a narrow chart "1 reshape2 fully_connected"
runs together. This axis picks every k-th layer so that the longest name fits in the room a tick has,
and names the layers by the table's ``#`` so a thinned-out label is still easy to find.
"""

from __future__ import annotations

from math import ceil

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

LABEL_GAP_PX = 12  # space between two neighbouring labels


class LayerAxis(pg.AxisItem):
    """A bottom axis whose ticks are layer indices labelled with their op; ``set_layers`` gives the names."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self._names: dict[int, str] = {}

    def set_layers(self, names: dict[int, str]) -> None:
        """``{index: op}`` of the layers drawn; the labels read "index op"."""
        self._names = {int(i): f"{i} {op.lower()}" for i, op in names.items()}
        self.picture = None  # redraw
        self.update()

    def label_step(self, size_px: float) -> int:
        """Every how many layers a label fits in ``size_px`` of axis (1: all of them)."""
        if not self._names or size_px <= 0:
            return 1
        metrics = QFontMetrics(self.style.get("tickFont") or self.font())
        widest = max(metrics.horizontalAdvance(text) for text in self._names.values()) + LABEL_GAP_PX
        return max(1, ceil(len(self._names) * widest / size_px))

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802 (pyqtgraph's name)
        if not self._names:
            return super().tickValues(minVal, maxVal, size)
        step = self.label_step(size)
        shown = [float(i) for i in sorted(self._names) if minVal <= i <= maxVal and i % step == 0]
        return [(float(step), shown)]

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [self._names.get(int(round(v)), "") for v in values]
