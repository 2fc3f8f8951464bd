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
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from workbench.gui.live.level_meter_view import WaveformView
from workbench.gui.live.scores_view import ScoresView
from workbench.gui.live.spectrogram_view import SpectrogramView

WAVEFORM_STRETCH, SPECTROGRAM_STRETCH, SCORES_STRETCH = 2, 4, 4
NOTICE_MARGIN = 48  # around the notice that stands where the plots are
NOTICE_FONT_SCALE = 1.25  # the notice is the only thing in the area: larger than body text


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
        self.notice = QLabel()
        self.notice.setObjectName("live_notice")
        self.notice.setWordWrap(True)
        # wraps in whatever width the docks leave: a long sentence must not claim their width (its size hint
        # would, and squeeze the Source panel at a large font)
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.notice.font()
        font.setPointSizeF(font.pointSizeF() * NOTICE_FONT_SCALE)
        self.notice.setFont(font)
        notice_page = QWidget()
        notice_layout = QVBoxLayout(notice_page)
        notice_layout.setContentsMargins(NOTICE_MARGIN, NOTICE_MARGIN, NOTICE_MARGIN, NOTICE_MARGIN)
        notice_layout.addWidget(self.notice)
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(notice_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.pages)
        self.frozen = False
        self._turn = 0  # which scrolling view this frame redraws

    @property
    def views(self) -> tuple[WaveformView, SpectrogramView, ScoresView]:
        return (self.waveform, self.spectrogram, self.scores)

    @property
    def notice_text(self) -> str:
        """The sentence shown instead of the plots ("" while the plots are shown)."""
        return self.notice.text() if self.pages.currentIndex() else ""

    def show_notice(self, text: str | None) -> None:
        """Stand ``text`` where the plots are (e.g. why the open model cannot run live); None shows the plots.

        Why not just leave the plots empty: empty plots look like a silent microphone, not like a model
        that cannot stream.
        """
        self.notice.setText(text or "")
        self.pages.setCurrentIndex(1 if text else 0)

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
