"""A label for one status or error sentence, its error red readable on whatever palette is in use.

Why a widget: the red that reads on the dark window (4.5:1) fails on the light one, and the user can switch
the palette at run time, so an error shown before the switch must recolour itself afterwards
(:func:`workbench.gui.theme.error_text_color` picks the shade).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from workbench.gui import theme


class MessageLabel(QLabel):
    """Word-wrapped; :meth:`show_error` in the error colour, :meth:`show_text` in the palette's own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.is_error = False
        self._style = ""

    def show_error(self, text: str) -> None:
        self.is_error = True
        self._restyle()
        self.setText(text)

    def show_text(self, text: str) -> None:
        self.is_error = False
        self._restyle()
        self.setText(text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    def _restyle(self) -> None:
        background = self.palette().color(QPalette.ColorRole.Window)
        style = f"color: {theme.error_text_color(background).name()};" if self.is_error else ""
        if style != self._style:  # a style sheet change is itself a palette change: set it only when it differs
            self._style = style
            self.setStyleSheet(style)
