"""A panel asks for the height its wrapping rows (a flow layout's buttons, a wrapped caption) take at its width.

Why: a layout's height for a given width reaches its parent layout only; a dock or a splitter asks the panel for its
minimum size, which Qt computes as if nothing wrapped. When a narrow panel's buttons took a second or a third row,
the dock or the splitter left it the height of one and the rows lay over the table above them (the detection log at
16 pt, the Pareto table under its buttons once it kept a few rows in sight). :class:`WrappedHeight` sets the panel's
minimum height to what its layout needs at the width it has, again whenever that width changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

NO_HEIGHT_FOR_WIDTH = -1  # what a layout without wrapping rows answers


class WrappedHeight(QObject):
    """Keeps ``panel``'s minimum height at what its layout needs at its width (its child: it lives as long)."""

    def __init__(self, panel: QWidget) -> None:
        super().__init__(panel)
        self._panel = panel
        panel.installEventFilter(self)

    def apply(self) -> None:
        layout = self._panel.layout()
        if layout is None:
            return
        needed = layout.minimumHeightForWidth(self._panel.width())
        if needed != NO_HEIGHT_FOR_WIDTH and needed != self._panel.minimumHeight():
            self._panel.setMinimumHeight(needed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._panel and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self.apply()
        return False
