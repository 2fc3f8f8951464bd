"""Where the audio comes from: the input-device picker, file playback transport and the record button.

A view that *asks* for streams and never opens one: the main window owns the ``LiveSession`` and
answers the request signals, then reports back with :meth:`SourcePanel.set_streaming` and
:meth:`SourcePanel.set_file_source`. That keeps one owner of the audio lifetime, so the panel cannot
leak a stream, and the same requests can come from keyboard shortcuts or drag and drop
(:meth:`SourcePanel.request_file`, :meth:`SourcePanel.toggle_streaming`,
:meth:`SourcePanel.toggle_recording`).

Hot-plug: PortAudio enumerates devices only when initialised, so a slow timer re-initialises it
(``refresh_devices``) and compares the list, but only while nothing streams (re-initialising would
kill an open stream). A device that vanished is reported in the panel (and by ``status_message``) and
the picker falls back to the system default, so the next Start works.

File transport: play/pause, seek and loop act directly on the bound ``FileSource`` (its transport is
thread-safe and exact to the sample); the position is polled by a timer that runs only while a file
source is bound and the panel is visible. Real time vs as fast as possible is fixed when a source is
made, so that box applies to the next playback.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
    QSlider, QVBoxLayout, QWidget,
)

from workbench.core.audio_sources import FileSource, InputDevice, list_input_devices, refresh_devices
from workbench.core.errors import DeviceError

DEVICE_POLL_MS = 3000  # hot-plug check; re-enumerating costs ~30 ms, so not more often
POSITION_POLL_MS = 100  # transport position refresh: smooth enough for a seek bar, cheap
SEEK_STEPS_PER_S = 100  # seek slider resolution: 10 ms
SECONDS_PER_MINUTE = 60
AUDIO_FILE_FILTER = "Audio files (*.wav *.flac *.ogg);;All files (*)"
DEFAULT_DEVICE_LABEL = "System default input"
NO_DEVICE_LABEL = "No audio input found"


def format_time(seconds: float) -> str:
    """``m:ss.s`` for the transport label (clips are seconds to minutes long)."""
    minutes, rest = divmod(max(0.0, seconds), SECONDS_PER_MINUTE)
    return f"{int(minutes)}:{rest:04.1f}"


def _device_key(device: InputDevice) -> tuple[str, str]:
    """Identity of a device across re-enumerations (PortAudio indices change when devices come and go)."""
    return (device.name, device.host_api)


class SourcePanel(QWidget):
    """Microphone picker + Start/Stop + Record, and a file player with transport.

    Signals (the main window connects them to its session handling):

    * ``microphone_requested(object)`` -- start streaming from this PortAudio device index, or
      ``None`` for the system default.
    * ``file_requested(str, bool, bool)`` -- play this file: ``(path, realtime, loop)``.
    * ``stop_requested()`` -- stop whatever streams.
    * ``record_toggled(bool)`` -- start (True) / stop (False) recording the stream; on False the main
      window takes the samples and saves the clip. Also emitted (False) when the stream stops while
      recording, so an interrupted recording is never silently lost.
    * ``status_message(str)`` -- a one-line notice for the status bar (device vanished, etc.).

    The main window reports the state back with :meth:`set_streaming` and :meth:`set_file_source`.
    """

    microphone_requested = Signal(object)
    file_requested = Signal(str, bool, bool)
    stop_requested = Signal()
    record_toggled = Signal(bool)
    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None, device_poll_ms: int = DEVICE_POLL_MS,
                 position_poll_ms: int = POSITION_POLL_MS) -> None:
        super().__init__(parent)
        self._devices: list[InputDevice] = []
        self._streaming = False
        self._file_source: FileSource | None = None
        self._file_path: str | None = None
        self._seeking = False
        self._build()
        self._device_timer = QTimer(self)
        self._device_timer.setInterval(device_poll_ms)
        self._device_timer.timeout.connect(self.poll_devices)
        self._position_timer = QTimer(self)
        self._position_timer.setInterval(position_poll_ms)
        self._position_timer.timeout.connect(self._update_position)
        self.refresh_device_list(rescan=False)
        self._device_timer.start()
        self._update_controls()

    # -- construction -----------------------------------------------------------------------------
    def _build(self) -> None:
        mic_box = QGroupBox("Microphone")
        self.device_combo = QComboBox()
        self.device_combo.setToolTip("The audio input to stream from. The list follows devices being "
                                     "plugged in or removed while nothing is streaming.")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Scan for audio inputs again (only while nothing streams).")
        self.refresh_button.clicked.connect(lambda: self.refresh_device_list(rescan=True))
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Start streaming the selected input through the model / stop "
                                     "the running stream.")
        self.start_button.clicked.connect(self.toggle_streaming)
        self.record_button = QPushButton("Record")
        self.record_button.setCheckable(True)
        self.record_button.setToolTip("Record the microphone to a 16 kHz WAV clip (for a dataset); "
                                      "press again to stop and save it.")
        self.record_button.toggled.connect(self._on_record_toggled)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        mic = QGridLayout(mic_box)
        mic.addWidget(self.device_combo, 0, 0, 1, 2)
        mic.addWidget(self.refresh_button, 0, 2)
        mic.addWidget(self.start_button, 1, 0)
        mic.addWidget(self.record_button, 1, 1)
        mic.addWidget(self.message_label, 2, 0, 1, 3)

        file_box = QGroupBox("File playback")
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("Play a WAV/FLAC/OGG file through the model (any rate; "
                                    "converted to 16 kHz mono).")
        self.open_button.clicked.connect(self._choose_file)
        self.file_label = QLabel("No file")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play / pause the file.")
        self.play_button.clicked.connect(self.toggle_play)
        self.seek_slider = QSlider(Qt.Orientation.Horizontal)
        self.seek_slider.setToolTip("Position in the file; drag to seek.")
        self.seek_slider.sliderPressed.connect(self._on_seek_pressed)
        self.seek_slider.sliderReleased.connect(self._on_seek_released)
        self.seek_slider.valueChanged.connect(self._on_seek_value)
        self.time_label = QLabel(self._time_text(0.0, 0.0))
        self.loop_check = QCheckBox("Loop")
        self.loop_check.setToolTip("Start over at the end of the file.")
        self.loop_check.toggled.connect(self._on_loop_toggled)
        self.realtime_check = QCheckBox("Real time")
        self.realtime_check.setChecked(True)
        self.realtime_check.setToolTip("Play at recording speed. Unchecked: as fast as the model can "
                                       "run (the decisions are the same). Applies to the next playback.")
        layout_file = QGridLayout(file_box)
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

        layout = QVBoxLayout(self)
        layout.addWidget(mic_box)
        layout.addWidget(file_box)
        layout.addStretch(1)

    # -- devices ------------------------------------------------------------------------------------
    @property
    def devices(self) -> list[InputDevice]:
        """The input devices currently listed (may be empty)."""
        return list(self._devices)

    def selected_device(self) -> int | None:
        """The PortAudio index of the chosen input, or None for the system default."""
        data = self.device_combo.currentData()
        return int(data) if data is not None else None

    def select_device(self, index: int | None) -> bool:
        """Choose the input with this PortAudio index (None: the default); False if it is not listed."""
        for row in range(self.device_combo.count()):
            if self.device_combo.itemData(row) == index:
                self.device_combo.setCurrentIndex(row)
                return True
        return False

    def poll_devices(self) -> None:
        """The hot-plug timer's work: re-scan only when nothing streams (a re-scan kills streams)."""
        if not self._streaming:
            self.refresh_device_list(rescan=True)

    def refresh_device_list(self, rescan: bool = True) -> bool:
        """Re-read the inputs (``rescan``: re-enumerate PortAudio first); True when the list changed.

        A selected device that is gone is reported and the picker falls back to the default input.
        """
        error = ""
        try:
            if rescan and not self._streaming:
                refresh_devices()
            devices = list_input_devices()
        except DeviceError as exc:
            devices, error = [], str(exc)
        if error and error != self.message:
            self._show_message(error)  # once, not on every poll
        if devices == self._devices and self.device_combo.count() > 0:
            return False  # leave the combo alone (an open popup must not flicker every poll)
        previous = self._selected_key()
        self._devices = devices
        self._fill_combo(previous)
        if previous is not None and self._selected_key() != previous:
            self._show_message(f"The input “{previous[0]}” disappeared; using the system default input.")
        return True

    def _selected_key(self) -> tuple[str, str] | None:
        index = self.device_combo.currentData()
        for device in self._devices:
            if device.index == index:
                return _device_key(device)
        return None

    def _fill_combo(self, keep: tuple[str, str] | None) -> None:
        combo = self.device_combo
        combo.blockSignals(True)
        combo.clear()
        default = next((d for d in self._devices if d.is_default), None)
        if self._devices:
            suffix = f" ({default.name})" if default is not None else ""
            combo.addItem(DEFAULT_DEVICE_LABEL + suffix, None)
        else:
            combo.addItem(NO_DEVICE_LABEL, None)
        selected = 0
        for device in self._devices:
            combo.addItem(device.label(), device.index)
            if keep is not None and _device_key(device) == keep:
                selected = combo.count() - 1
        combo.setCurrentIndex(selected)
        combo.blockSignals(False)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        if text:
            self.status_message.emit(text)

    def show_message(self, text: str) -> None:
        """Show a notice under the microphone controls (e.g. the stream failed); "" hides it."""
        self._show_message(text)

    @property
    def message(self) -> str:
        """The notice shown under the microphone controls ("" when none)."""
        return self.message_label.text() if self.message_label.isVisible() else ""

    # -- streaming state ----------------------------------------------------------------------------
    @property
    def streaming(self) -> bool:
        return self._streaming

    def set_streaming(self, streaming: bool) -> None:
        """The main window reports whether a stream runs (after a request, an error or the end)."""
        self._streaming = bool(streaming)
        if not self._streaming and self.record_button.isChecked():
            self.record_button.setChecked(False)  # emits record_toggled(False): save what we have
        self._update_controls()

    def toggle_streaming(self) -> None:
        """Start the selected microphone, or stop the running stream (the Start/Stop button)."""
        if self._streaming:
            self.stop_requested.emit()
        else:
            self._show_message("")
            self.microphone_requested.emit(self.selected_device())

    def toggle_recording(self) -> None:
        """Start/stop recording (the Record button; a no-op unless a microphone streams)."""
        if self.record_button.isEnabled():
            self.record_button.toggle()

    def set_recording(self, recording: bool) -> None:
        """Show the recording state without emitting (e.g. the main window refused to record)."""
        self.record_button.blockSignals(True)
        self.record_button.setChecked(recording)
        self.record_button.blockSignals(False)
        self._update_controls()

    def _on_record_toggled(self, checked: bool) -> None:
        self._update_controls()
        self.record_toggled.emit(checked)

    def _update_controls(self) -> None:
        microphone_streaming = self._streaming and self._file_source is None
        self.start_button.setText("Stop" if self._streaming else "Start")
        self.record_button.setEnabled(microphone_streaming or self.record_button.isChecked())
        self.record_button.setText("Stop recording" if self.record_button.isChecked() else "Record")
        self.device_combo.setEnabled(not self._streaming)
        self.refresh_button.setEnabled(not self._streaming)
        has_file = self._file_source is not None
        playing = has_file and self._streaming and not self._file_source.paused
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setEnabled(has_file or self._file_path is not None)
        self.seek_slider.setEnabled(has_file)

    # -- file transport ----------------------------------------------------------------------------
    @property
    def file_source(self) -> FileSource | None:
        return self._file_source

    def request_file(self, path: str | Path) -> None:
        """Ask to play ``path`` with the panel's real-time/loop choices (Open…, drag and drop)."""
        self._file_path = str(path)
        self.file_label.setText(Path(path).name)
        self.file_label.setToolTip(str(path))
        self._update_controls()
        self.file_requested.emit(self._file_path, self.realtime_check.isChecked(),
                                 self.loop_check.isChecked())

    def set_file_source(self, source: FileSource | None) -> None:
        """Bind the transport to the running file source (None: unbind, e.g. the stream stopped)."""
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

    def toggle_play(self) -> None:
        """Pause/resume the bound file; without a running one, ask to play the last file again."""
        source = self._file_source
        if source is not None and self._streaming and not source.finished:
            if source.paused:
                source.resume()
            else:
                source.pause()
        elif self._file_path is not None:
            self.request_file(self._file_path)
        self._update_controls()

    def seek(self, seconds: float) -> None:
        """Continue the bound file from ``seconds`` (clamped to the file)."""
        if self._file_source is not None:
            self._file_source.seek(seconds)
            self._update_position()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Play an audio file", self._file_path or "",
                                              AUDIO_FILE_FILTER)
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
