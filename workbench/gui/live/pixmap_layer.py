"""A widget-sized pixmap to pre-render a layer of a widget into (at the screen's device pixel ratio).

Why: the level meter and the score bars repaint many times a second but most of what they show (scales,
labels, names, thresholds) changes only on resize or a theme change; they draw it once into such a
layer and copy it on every paint.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QWidget


def layer_pixmap(widget: QWidget, fill: QColor) -> tuple[QPixmap, QPainter]:
    """A pixmap the size of ``widget`` filled with ``fill``, and a painter open on it (end it when done)."""
    ratio = widget.devicePixelRatioF()
    pixmap = QPixmap(widget.size() * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(fill)
    return pixmap, QPainter(pixmap)
