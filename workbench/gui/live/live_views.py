"""The central live area: waveform + level meter, spectrogram, class scores, stacked in stream time.

While live, each view follows the newest stream time of its own data, so a view repaints only when it
has something new (the scores move once per inference, not 50 times a second): linked axes would make
every plot repaint on every frame, which was most of the GUI's CPU. The two views that scroll every
frame (waveform with its level meter, spectrogram) take turns: each is redrawn 25 times a second, one
of them on every 50 fps frame, so no frame paints both (smooth to the eye, half the painting). When
frozen, the three time axes are linked so dragging or zooming one scrolls all of them back together
over the last minute.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from workbench.gui.live.level_meter_view import WaveformView
from workbench.gui.live.scores_view import ScoresView
from workbench.gui.live.spectrogram_view import SpectrogramView

WAVEFORM_STRETCH, SPECTROGRAM_STRETCH, SCORES_STRETCH = 2, 4, 4


class LiveViews(QWidget):
    """Waveform, spectrogram and scores with linked time axes; ``refresh`` pulls one frame."""

    def __init__(self, parent: QWidget | None = None, dark: bool = True) -> None:
        super().__init__(parent)
        self.waveform = WaveformView(dark=dark)
        self.spectrogram = SpectrogramView(dark=dark)
        self.scores = ScoresView(dark=dark)
        self.scores.plot.showAxis("bottom")
        self.scores.plot.setLabel("bottom", "stream time (s)")  # no units: SI-prefix relabels every frame
        self.spectrogram.plot.hideAxis("bottom")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        for view, stretch in ((self.waveform, WAVEFORM_STRETCH), (self.spectrogram, SPECTROGRAM_STRETCH),
                              (self.scores, SCORES_STRETCH)):
            splitter.addWidget(view)
            splitter.setStretchFactor(splitter.indexOf(view), stretch)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(splitter)
        self.frozen = False
        self._turn = 0  # which scrolling view this frame redraws

    @property
    def views(self) -> tuple[WaveformView, SpectrogramView, ScoresView]:
        return (self.waveform, self.spectrogram, self.scores)

    def bind(self, session: object | None) -> None:
        for view in self.views:
            view.bind(session)

    def refresh(self) -> None:
        """One frame: the scores (they only move when an inference arrived) and one scrolling view."""
        self._turn ^= 1
        (self.spectrogram if self._turn else self.waveform).refresh()
        self.scores.refresh()

    def set_frozen(self, frozen: bool) -> None:
        """Freeze all three; while frozen, drag or zoom the time axis to look back over the last minute."""
        self.frozen = frozen
        if not frozen:  # unlink first: each view then returns to its own following range
            for view in (self.waveform, self.scores):
                view.plot.setXLink(None)
        for view in self.views:
            view.set_frozen(frozen)
        if frozen:  # every view now shows the same stream-time range; link them for scrolling back
            for view in (self.waveform, self.scores):
                view.plot.setXLink(self.spectrogram.plot)

    def set_detection_settings(self, settings: object) -> None:
        self.scores.set_detection_settings(settings)

    def set_dark(self, dark: bool) -> None:
        for view in self.views:
            view.set_dark(dark)
