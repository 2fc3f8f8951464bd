"""A path on one line, cut in its middle where the label is narrower than the path, never in the folder's own name.

Why: the Source panel showed its recordings folder in a label that wrapped at spaces, and a folder's name has none:
at 16 pt in a 1280x720 window it was cut at the label's end to "recor". A path reads from both ends -- where it
starts (which disk, whose home) and, above all, what it ends in -- so it is elided in the middle
(``QFontMetrics.elidedText`` with ``Qt.ElideMiddle``), and the part before the last separator gives way first, so
the name stays whole. The full path is the tooltip and the accessible description, and the text is elided again
whenever the label's width or font changes.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"
# the label is never narrower than a folder's name of up to this many average characters (and "…/" before it): a
# longer name is elided too rather than widening its panel, which a dock never makes narrower than its contents
NAME_MIN_CHARS = 16


def elided_path(path: str, metrics: QFontMetrics, width: int) -> str:
    """``path`` as it fits ``width`` pixels of ``metrics``' font: whole, else with the part before its last separator
    elided in the middle, else (not even the name fits after an ellipsis) the name elided in the middle."""
    if metrics.horizontalAdvance(path) <= width:
        return path
    head, separator, name = _split(path)
    tail = separator + name
    room = width - metrics.horizontalAdvance(tail)
    if not separator or room < metrics.horizontalAdvance(ELLIPSIS):
        return metrics.elidedText(name or path, Qt.TextElideMode.ElideMiddle, width)
    return (metrics.elidedText(head, Qt.TextElideMode.ElideMiddle, room) or ELLIPSIS) + tail


def _split(path: str) -> tuple[str, str, str]:
    """``(head, separator, name)`` at the last separator of either kind (Windows paths may hold both)."""
    cut = max(path.rfind(os.sep), path.rfind("/"))
    if cut <= 0 or cut == len(path) - 1:  # no separator, the root's, or one that ends the path: no name to keep
        return path, "", ""
    return path[:cut], path[cut], path[cut + 1:]


class ElidedPathLabel(QLabel):
    """A label that shows :meth:`path` elided to its width (:func:`elided_path`); ``text()`` is what it shows."""

    def __init__(self, path: str | Path = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path = ""
        self.setTextFormat(Qt.TextFormat.PlainText)  # a folder may be named "<b>"
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_path(path)

    def path(self) -> str:
        return self._path

    def set_path(self, path: str | Path) -> None:
        self._path = str(path)
        self.setToolTip(self._path)
        self.setAccessibleDescription(self._path)
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """The whole path on one line."""
        return self._with_margins(self.fontMetrics().horizontalAdvance(self._path))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Room for the name after "…/", up to :data:`NAME_MIN_CHARS` characters."""
        metrics = self.fontMetrics()
        _head, separator, name = _split(self._path)
        wanted = metrics.horizontalAdvance(ELLIPSIS + separator + (name or self._path))
        return self._with_margins(min(wanted, NAME_MIN_CHARS * metrics.averageCharWidth()))

    def _with_margins(self, text_width: int) -> QSize:
        margins = self.contentsMargins()
        return QSize(text_width + margins.left() + margins.right() + 2 * self.margin(),
                     self.fontMetrics().height() + margins.top() + margins.bottom() + 2 * self.margin())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self._elide()

    def _elide(self) -> None:
        shown = elided_path(self._path, self.fontMetrics(), self.contentsRect().width() - 2 * self.margin())
        if shown != self.text():
            self.setText(shown)
