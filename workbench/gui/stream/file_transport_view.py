"""File playback transport: open, play/pause, seek, loop, real time or fast.

Play/pause, seek and loop act directly on the bound ``FileSource`` (its transport is thread-safe and
exact to the sample); the position is polled by a timer that runs only while a file source is bound
and the view is visible. Real time vs as fast as possible is fixed when a source is made, so that box
applies to the next playback. Like the rest of the source panel, the view *asks* for a stream
(``file_requested``) and the main window reports back with :meth:`FileTransportView.set_file_source`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QSlider, QWidget)

from workbench.core.audio.audio_file import AUDIO_FORMATS
from workbench.core.audio.sources import FileSource
from workbench.gui.file_dialogs import AUDIO_FILTER
from workbench.gui.widgets.flexible_label import flexible_width

POSITION_POLL_MS = 250  # transport position refresh, as media players do: each one repaints the slider and its panel
SEEK_STEPS_PER_S = 100  # seek slider resolution: 10 ms
SECONDS_PER_MINUTE = 60
NO_FILE_TEXT = "No file"
OPEN_TIP = f"Play a {AUDIO_FORMATS} file through the model (any rate; converted to 16 kHz mono)."
PLAY_TIP = "Play / pause the file."


def format_time(seconds: float) -> str:
    """``m:ss.s`` for the transport label (clips are seconds to minutes long)."""
    minutes, rest = divmod(max(0.0, seconds), SECONDS_PER_MINUTE)
    return f"{int(minutes)}:{rest:04.1f}"


class FileTransportView(QGroupBox):
    """Open…, Play/Pause, a seek slider with the position, Loop and Real time.

    ``file_requested(str, bool, bool)`` asks to play ``(path, realtime, loop)``; ``paused_changed(bool)`` says
    that the bound file was paused or resumed (here, or bound already paused), so "listening" can follow it.
    """

    file_requested = Signal(str, bool, bool)
    paused_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, position_poll_ms: int = POSITION_POLL_MS) -> None:
        super().__init__("File playback", parent)
        self._streaming = False
        self._file_source: FileSource | None = None
        self._file_path: str | None = None
        self._previous: tuple[str | None, str, str] = (None, NO_FILE_TEXT, "")
        self._seeking = False
        self._unavailable: str | None = None
        self._build()
        self._position_timer = QTimer(self)
        self._position_timer.setInterval(position_poll_ms)
        self._position_timer.timeout.connect(self._update_position)
        self._update_controls()

    def _build(self) -> None:
        self.open_button = QPushButton("&Open…")
        self.open_button.setToolTip(OPEN_TIP)
        self.open_button.clicked.connect(self._choose_file)
        # neither the file's name nor the time holds the panel at its whole width: at a large font they made the
        # Source panel wider than its dock (a long name wraps or is cut, whole in the tooltip; the time wraps at "/")
        self.file_label = flexible_width(QLabel(NO_FILE_TEXT))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip(PLAY_TIP)
        self.play_button.clicked.connect(self.toggle_play)
        self.seek_slider = QSlider(Qt.Orientation.Horizontal)
        self.seek_slider.setToolTip("Position in the file; drag to seek.")
        self.seek_slider.setAccessibleName("Position in the file")
        self.seek_slider.sliderPressed.connect(self._on_seek_pressed)
        self.seek_slider.sliderReleased.connect(self._on_seek_released)
        self.seek_slider.valueChanged.connect(self._on_seek_value)
        self.time_label = QLabel(self._time_text(0.0, 0.0))
        self.time_label.setWordWrap(True)
        self.loop_check = QCheckBox("Loop")
        self.loop_check.setToolTip("Start over at the end of the file.")
        self.loop_check.toggled.connect(self._on_loop_toggled)
        self.realtime_check = QCheckBox("Real time")
        self.realtime_check.setChecked(True)
        self.realtime_check.setToolTip("Play at recording speed. Unchecked: as fast as the model can "
                                       "run (the decisions are the same). Applies to the next playback.")
        layout_file = QGridLayout(self)
        layout_file.addWidget(self.open_button, 0, 0)
        layout_file.addWidget(self.file_label, 0, 1, 1, 3)
        layout_file.addWidget(self.play_button, 1, 0)
        layout_file.addWidget(self.seek_slider, 1, 1, 1, 2)
        layout_file.addWidget(self.time_label, 1, 3)
        options = QHBoxLayout()
        options.addWidget(self.loop_check)
        options.addWidget(self.realtime_check)
        options.addStretch(1)
        layout_file.addLayout(options, 2, 0, 1, 4)

    # -- state ---------------------------------------------------------------------------------
    @property
    def file_source(self) -> FileSource | None:
        return self._file_source

    @property
    def paused(self) -> bool:
        """True while the bound file is paused (a file that plays, ended or is unbound is not)."""
        return self._file_source is not None and self._file_source.paused

    @property
    def file_path(self) -> str | None:
        return self._file_path

    def set_streaming(self, streaming: bool) -> None:
        self._streaming = bool(streaming)
        self._update_controls()

    def set_unavailable(self, reason: str | None) -> None:
        """Disable Open… and Play with ``reason`` as their tooltip (the open model cannot stream); None enables."""
        self._unavailable = reason or None
        self._update_controls()

    def _update_controls(self) -> None:
        has_file = self._file_source is not None
        playing = has_file and self._streaming and not self._file_source.paused
        able = self._unavailable is None
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setEnabled(able and (has_file or self._file_path is not None))
        self.play_button.setToolTip(PLAY_TIP if able else self._unavailable)
        self.open_button.setEnabled(able)
        self.open_button.setToolTip(OPEN_TIP if able else self._unavailable)
        self.seek_slider.setEnabled(has_file)

    def request_file(self, path: str | Path) -> None:
        """Ask to play ``path`` with the panel's real-time/loop choices (Open…, drag and drop)."""
        self._previous = (self._file_path, self.file_label.text(), self.file_label.toolTip())
        self._file_path = str(path)
        self.file_label.setText(Path(path).name)
        self.file_label.setToolTip(str(path))
        self._update_controls()
        self.file_requested.emit(self._file_path, self.realtime_check.isChecked(),
                                 self.loop_check.isChecked())

    def revert_request(self) -> None:
        """The requested file could not be played: show (and replay with Play) the one before it again."""
        self._file_path, text, tip = self._previous
        self.file_label.setText(text)
        self.file_label.setToolTip(tip)
        self._update_controls()

    def set_file_source(self, source: FileSource | None) -> None:
        """Bind the transport to the running file source (None: unbind, e.g. the stream stopped)."""
        was_paused = self.paused
        self._file_source = source
        if source is not None:
            if source.path is not None:
                self._file_path = str(source.path)
                self.file_label.setText(source.path.name)
                self.file_label.setToolTip(str(source.path))
            self.seek_slider.blockSignals(True)
            self.seek_slider.setRange(0, round(source.duration_s * SEEK_STEPS_PER_S))
            self.seek_slider.blockSignals(False)
            self.loop_check.blockSignals(True)
            self.loop_check.setChecked(source.loop)
            self.loop_check.blockSignals(False)
        self._update_position()
        self._update_position_timer()
        self._update_controls()
        if self.paused != was_paused:
            self.paused_changed.emit(self.paused)

    def toggle_play(self) -> None:
        """Pause/resume the bound file; without a running one, ask to play the last file again."""
        source = self._file_source
        if source is not None and self._streaming and not source.finished:
            if source.paused:
                source.resume()
            else:
                source.pause()
            self._update_controls()
            self.paused_changed.emit(source.paused)
            return
        if self._file_path is not None:
            self.request_file(self._file_path)
        self._update_controls()

    def seek(self, seconds: float) -> None:
        """Continue the bound file from ``seconds`` (clamped to the file)."""
        if self._file_source is not None:
            self._file_source.seek(seconds)
            self._update_position()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Play an audio file", self._file_path or "",
                                              AUDIO_FILTER)
        if path:
            self.request_file(path)

    def _on_loop_toggled(self, checked: bool) -> None:
        if self._file_source is not None:
            self._file_source.loop = checked

    def _on_seek_pressed(self) -> None:
        self._seeking = True

    def _on_seek_released(self) -> None:
        self._seeking = False
        self.seek(self.seek_slider.value() / SEEK_STEPS_PER_S)

    def _on_seek_value(self, value: int) -> None:
        """Keyboard/click moves seek at once; a drag only updates the label until released."""
        if self._seeking:
            duration = self._file_source.duration_s if self._file_source is not None else 0.0
            self.time_label.setText(self._time_text(value / SEEK_STEPS_PER_S, duration))
        else:
            self.seek(value / SEEK_STEPS_PER_S)

    def _update_position(self) -> None:
        source = self._file_source
        position = source.position_s if source is not None else 0.0
        duration = source.duration_s if source is not None else 0.0
        if not self._seeking:
            self.seek_slider.blockSignals(True)
            self.seek_slider.setValue(round(position * SEEK_STEPS_PER_S))
            self.seek_slider.blockSignals(False)
            self.time_label.setText(self._time_text(position, duration))
        if source is not None and source.finished:
            self.play_button.setText("Play")

    @staticmethod
    def _time_text(position: float, duration: float) -> str:
        return f"{format_time(position)} / {format_time(duration)}"

    def _update_position_timer(self) -> None:
        if self._file_source is not None and self.isVisible():
            self._position_timer.start()
        else:
            self._position_timer.stop()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._update_position_timer()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt API)
        super().hideEvent(event)
        self._update_position_timer()
