"""The one rule the live plot views share: when the font changes, restyle.

Why a base class: pyqtgraph draws tick labels, axis titles and legends in the fonts it was handed, and the
left axis' width and the side panels are derived from the application font (:mod:`workbench.gui.theme`), so
a font change at run time (the desktop's setting, a large font) leaves a plot with clipped or tiny labels
until its ``set_dark`` runs again. The waveform, spectrogram and scores views each repeated that rule; here it
lives once. A palette switch needs nothing here: the window calls ``set_dark`` with the new choice itself
(:func:`workbench.gui.window.window_palette.switch_palette`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QWidget

RESTYLE_EVENTS = frozenset({QEvent.Type.FontChange})  # the changes that make a view run set_dark again


class FontRestyledView(QWidget):
    """A plot view whose ``set_dark(dark)`` styles it for the palette and the current font; it runs again,
    with the palette choice kept in ``_dark``, on every :data:`RESTYLE_EVENTS` change."""

    _dark: bool

    def set_dark(self, dark: bool) -> None:
        """Colours for the palette, fonts and text room for the current font (each view says how)."""
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        """Restyle on a font change, keeping the palette the view was last given."""
        if event.type() in RESTYLE_EVENTS:
            self.set_dark(self._dark)
        super().changeEvent(event)
