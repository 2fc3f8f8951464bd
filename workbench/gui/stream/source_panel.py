"""Where the audio comes from: the input-device picker, file playback transport and the record button.

A view that *asks* for streams and never opens one: the main window owns the ``LiveSession`` and
answers the request signals, then reports back with :meth:`SourcePanel.set_streaming` and
:meth:`SourcePanel.set_file_source`. That keeps one owner of the audio lifetime, so the panel cannot
leak a stream, and the same requests can come from keyboard shortcuts or drag and drop
(:meth:`SourcePanel.request_file`, :meth:`SourcePanel.toggle_microphone`,
:meth:`SourcePanel.toggle_recording`).

Each group acts on its own source: the Microphone group's Start/Stop starts or stops the microphone (Start takes
over from a file that plays; with no input it is off and says why), the file player's controls act on the file.
A "Stop" under "No audio input found" that stopped the bundled sample read as a microphone running.

Hot-plug: PortAudio enumerates devices only when initialised, so a slow timer re-initialises it
(``refresh_devices``) and compares the list, but only while nothing streams (re-initialising would
kill an open stream); Refresh re-scans at once, also while a file plays (a file holds no audio device).
A device that vanished is reported in the panel (and by ``status_message``) and the picker falls back to
the system default, so the next Start works -- unless the window is reopening it (:meth:`SourcePanel.set_reopening`:
it streamed when it vanished, and the window tries it again until it is back): then the notice says so, and Start
reads Stop, which ends the wait so that another input can be chosen. Inputs are told apart by their
:class:`~workbench.core.audio.devices.DeviceIdentity` (name and host API), never by their PortAudio index: a re-scan
renumbers them, and Start must ask for the input the user sees selected. The list finds an input as the window's
retry and start-up reopen it (:func:`~workbench.core.audio.devices.find_input`): a USB microphone re-plugged under
other ALSA card numbers stays selected, an input the first versions saved by its bare name or number is selected as
start-up opens it, and what is selected, and so asked for, is the input listed now.

The file player is a :class:`~workbench.gui.stream.file_transport_view.FileTransportView` below the
microphone controls (``transport``); its request is forwarded as the panel's ``file_requested``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.core.audio.devices import DeviceIdentity, find_input
from workbench.core.audio.sources import FileSource, InputDevice, list_input_devices, refresh_devices
from workbench.core.errors import DeviceError
from workbench.gui.stream.file_transport_view import FileTransportView
from workbench.gui.stream.recording_view import RecordingView, default_recordings_folder
from workbench.gui.widgets.flow_layout import FlowLayout

DEVICE_POLL_MS = 3000  # hot-plug check; re-enumerating costs ~30 ms, so not more often
DEFAULT_DEVICE_LABEL = "System default input"
# the input list is as wide as this many characters at least, and otherwise as its column: sized to its longest
# device name, it made the panel wider than its dock at a large font and cut Refresh off at the dock's edge
DEVICE_MIN_CHARS = 6
NO_DEVICE_LABEL = "No audio input found"
DEVICE_TIP = ("The audio input to stream from. The list follows devices being plugged in or removed while nothing "
              "is streaming.")
DEVICE_IN_USE_TIP = "The microphone streams from this input: press Stop to choose another."
DEVICE_REOPENING_TIP = "The input that disappeared is reopened when it is back: press Stop to choose another."
FELL_BACK_TEXT = "The input “{name}” disappeared; using the system default input."
REOPENING_TEXT = ("The input “{name}” disappeared; it will be reopened when it is back (press Stop to choose "
                  "another).")
START_TIP = "Stream the selected input through the model (instead of a file that plays) / stop the microphone."
RECORD_TIP = "Record the microphone to a 16 kHz WAV clip (for a dataset); press again to stop and save it."
NO_INPUT_TIP = ("No audio input was found: plug in a microphone and press Refresh (while nothing plays, the list "
                "follows it by itself); files play from the player below.")
RECORD_NEEDS_STREAM_TIP = "Record takes the running microphone: press Start first."
RECORD_NOT_A_FILE_TIP = "Record takes the microphone, not the file that plays: start a microphone to record."


class SourcePanel(QWidget):
    """Microphone picker + Start/Stop + Record, and a file player with transport.

    Signals (the main window connects them to its session handling):

    * ``microphone_requested(object)`` -- start streaming from this input (a ``DeviceIdentity``), or
      ``None`` for the system default.
    * ``file_requested(str, bool, bool)`` -- play this file: ``(path, realtime, loop)``.
    * ``stop_requested()`` -- stop whatever streams.
    * ``record_toggled(bool)`` -- start (True) / stop (False) recording the stream; on False the main
      window takes the samples and saves the clip. Also emitted (False) when the stream stops while
      recording, so an interrupted recording is never silently lost.
    * ``status_message(str)`` -- a one-line notice for the status bar (device vanished, etc.).

    The main window reports the state back with :meth:`set_streaming`, :meth:`set_reopening` and
    :meth:`set_file_source`.
    """

    microphone_requested = Signal(object)
    file_requested = Signal(str, bool, bool)
    stop_requested = Signal()
    record_toggled = Signal(bool)
    status_message = Signal(str)
    controls_changed = Signal()  # Start/Record changed state or reason: the window's actions follow them

    def __init__(self, parent: QWidget | None = None, device_poll_ms: int = DEVICE_POLL_MS) -> None:
        super().__init__(parent)
        self._devices: list[InputDevice] = []
        self._streaming = False
        self._reopening = False  # the window tries the microphone that vanished again until it is back
        self._awaited: DeviceIdentity | None = None  # ... that input (None: the system default input)
        self._unavailable: str | None = None
        self._build()
        self._device_timer = QTimer(self)
        self._device_timer.setInterval(device_poll_ms)
        self._device_timer.timeout.connect(self.poll_devices)
        self.refresh_device_list(rescan=False)
        self._device_timer.start()
        self._update_controls()

    # -- construction -----------------------------------------------------------------------------
    def _build(self) -> None:
        mic_box = QGroupBox("Microphone")
        self.device_combo = QComboBox()
        self.device_combo.setToolTip(DEVICE_TIP)
        self.device_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.device_combo.setMinimumContentsLength(DEVICE_MIN_CHARS)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Scan for audio inputs again (not while the microphone streams).")
        self.refresh_button.clicked.connect(lambda: self.refresh_device_list(rescan=True))
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip(START_TIP)
        self.start_button.clicked.connect(self.toggle_microphone)
        self.record_button = QPushButton("Record")
        self.record_button.setCheckable(True)
        self.record_button.setToolTip(RECORD_TIP)
        self.record_button.toggled.connect(self._on_record_toggled)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        mic = QGridLayout(mic_box)
        mic.addWidget(self.device_combo, 0, 0, 1, 2)
        mic.addWidget(self.refresh_button, 0, 2)
        # Start and Record take a row of their own where the panel is narrow (a large font, "Stop recording"),
        # rather than three buttons abreast making it wider than its dock
        stream_buttons = FlowLayout()
        stream_buttons.addWidget(self.start_button)
        stream_buttons.addWidget(self.record_button)
        mic.addLayout(stream_buttons, 1, 0, 1, 3)
        mic.addWidget(self.message_label, 2, 0, 1, 3)

        self.recording = RecordingView(default_recordings_folder())
        self.transport = FileTransportView()
        self.transport.file_requested.connect(self.file_requested)

        layout = QVBoxLayout(self)
        layout.addWidget(mic_box)
        layout.addWidget(self.recording)
        layout.addWidget(self.transport)
        layout.addStretch(1)

    # -- devices ------------------------------------------------------------------------------------
    @property
    def devices(self) -> list[InputDevice]:
        """The input devices currently listed (may be empty)."""
        return list(self._devices)

    def selected_device(self) -> DeviceIdentity | None:
        """The chosen input, or None for the system default."""
        return self.device_combo.currentData()

    @property
    def microphone_choice(self) -> DeviceIdentity | None:
        """The input a microphone started now listens to (Stream > Use microphone): the one selected, or while the
        window reopens the input that vanished, that one (the list, fixed meanwhile, may show the default input)."""
        return self._awaited if self._reopening else self.selected_device()

    def select_device(self, device: int | str | DeviceIdentity | None) -> bool:
        """Choose this input (None: the default), also under a sound card's new numbers, or by the name or number an
        earlier version saved it under; False if it is not listed."""
        row = self._row_of(device)
        if row is not None:
            self.device_combo.setCurrentIndex(row)
        return row is not None

    def _row_of(self, device: int | str | DeviceIdentity | None) -> int | None:
        """The list's row of ``device`` as start-up finds the input it opens among the inputs listed
        (:func:`~workbench.core.audio.devices.find_input`: an identity, or the bare name or number the first versions
        saved), or None; row 0: the default input."""
        if device is None:
            return 0
        try:
            return 1 + self._devices.index(find_input(self._devices, device))
        except DeviceError:
            return None

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
            if rescan and not self.microphone_streaming:
                refresh_devices()
            devices = list_input_devices()
        except DeviceError as exc:
            devices, error = [], str(exc)
        if error and error != self.message:
            self._show_message(error)  # once, not on every poll
        if devices == self._devices and self.device_combo.count() > 0:
            return False  # leave the combo alone (an open popup must not flicker every poll)
        previous = self.selected_device()
        self._devices = devices
        self._fill_combo(previous)
        if previous is not None and self.selected_device() is None:
            self._show_message(self._vanished_text(previous))
        self._update_controls()  # the first input plugged in, or the last one removed, changes Start and Record
        return True

    def _vanished_text(self, device: DeviceIdentity) -> str:
        """What became of ``device``, no longer listed: the window reopens it once it is back, or Start now takes
        the system default input."""
        text = REOPENING_TEXT if self._reopening and device == self._awaited else FELL_BACK_TEXT
        return text.format(name=device.name)

    def _fill_combo(self, keep: DeviceIdentity | None) -> None:
        combo = self.device_combo
        combo.blockSignals(True)
        combo.clear()
        default = next((d for d in self._devices if d.is_default), None)
        if self._devices:
            suffix = f" ({default.name})" if default is not None else ""
            combo.addItem(DEFAULT_DEVICE_LABEL + suffix, None)
        else:
            combo.addItem(NO_DEVICE_LABEL, None)
        for device in self._devices:
            combo.addItem(device.label(), device.identity)
        combo.setCurrentIndex(self._row_of(keep) or 0)
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
        """The main window reports whether a stream runs (after a request, an error or the end).

        A stream that starts re-reads the list (not a re-scan: that would kill the stream): opening the microphone
        may have re-scanned PortAudio itself (the window's retry after a loss), and the list, kept while nothing
        streamed, would go on saying "No audio input found" above a microphone that streams."""
        self._streaming = bool(streaming)
        if not self._streaming and self.record_button.isChecked():
            self.record_button.setChecked(False)  # emits record_toggled(False): save what we have
        if self._streaming and self.refresh_device_list(rescan=False):
            return  # the list changed: its refresh updated the controls
        self._update_controls()

    @property
    def reopening(self) -> bool:
        """True while the window tries the microphone that vanished again (see :meth:`set_reopening`)."""
        return self._reopening

    def set_reopening(self, reopening: bool, device: DeviceIdentity | None = None) -> None:
        """The main window reports that it tries the microphone ``device`` (None: the default input) again until it
        is back (``reopening``), or no longer (it is back, Stop, another source).

        Why: the picker's fall-back to the default input said the opposite of what the window does. While it reopens,
        the microphone counts as in use (Start reads Stop, the list is fixed); a notice that it will be reopened
        becomes, once the wait is over with the input still gone, the fall-back's."""
        waited_for = self._awaited
        self._reopening, self._awaited = bool(reopening), (device if reopening else None)
        if not self._reopening and waited_for is not None and self.message == REOPENING_TEXT.format(
                name=waited_for.name):
            still_gone = self._row_of(waited_for) is None  # back under other card numbers counts as back
            self._show_message(FELL_BACK_TEXT.format(name=waited_for.name) if still_gone else "")
        self._update_controls()

    @property
    def microphone_in_use(self) -> bool:
        """True while the microphone streams or the window reopens it: Start reads Stop, the input list is fixed."""
        return self.microphone_streaming or self._reopening

    @property
    def unavailable(self) -> str | None:
        """Why nothing can stream now (None: streaming is possible)."""
        return self._unavailable

    def set_unavailable(self, reason: str | None) -> None:
        """Disable Start and file playback with ``reason`` as their tooltip (None enables them again).

        Why: a model open for inspection only cannot stream; a Start that does nothing, or fails in a
        message box each time, teaches less than a disabled button that says why.
        """
        self._unavailable = reason or None
        self.transport.set_unavailable(self._unavailable)
        self._update_controls()

    @property
    def microphone_streaming(self) -> bool:
        """True while the stream is the microphone's (not a file's)."""
        return self._streaming and self.transport.file_source is None

    def toggle_microphone(self) -> None:
        """Stop the microphone that streams, else start the selected one (the Microphone group's Start/Stop; a
        file is paused by the file player, stopped by the window's Start/Stop); a no-op while :attr:`start_reason`
        says why not."""
        if self.microphone_in_use:
            self.stop_requested.emit()
        elif self.start_reason is None:
            self._show_message("")
            self.microphone_requested.emit(self.selected_device())

    def toggle_recording(self) -> None:
        """Start/stop recording (the Record button; a no-op while :attr:`record_reason` says why not)."""
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

    @property
    def start_reason(self) -> str | None:
        """Why Start cannot start a microphone now (None: it can, or it stops the microphone that streams or that
        the window reopens).

        Why no input counts: a Start that fails in an error box each time, and stays enabled, teaches less than
        a disabled button that says why; Space still stops or resumes a file, the file player pauses it."""
        if self.microphone_in_use:
            return None
        if self._unavailable is not None:
            return self._unavailable
        return None if self._devices else NO_INPUT_TIP

    @property
    def record_reason(self) -> str | None:
        """Why Record cannot record now (None: it can, or it is recording); the window's Record action says the
        same, so the two never disagree."""
        if self.record_button.isChecked():
            return None
        if self._unavailable is not None:
            return self._unavailable
        if self._streaming:
            return RECORD_NOT_A_FILE_TIP if self.transport.file_source is not None else None
        return RECORD_NEEDS_STREAM_TIP if self._devices else NO_INPUT_TIP

    def _update_controls(self) -> None:
        start_reason, record_reason = self.start_reason, self.record_reason
        self.start_button.setText("Stop" if self.microphone_in_use else "Start")
        self.start_button.setEnabled(start_reason is None)
        self.start_button.setToolTip(start_reason or START_TIP)
        self.record_button.setEnabled(record_reason is None)
        self.record_button.setToolTip(record_reason or RECORD_TIP)
        self.record_button.setText("Stop recording" if self.record_button.isChecked() else "Record")
        self.device_combo.setEnabled(not self.microphone_in_use)
        in_use_tip = DEVICE_IN_USE_TIP if self.microphone_streaming else DEVICE_REOPENING_TIP
        self.device_combo.setToolTip(in_use_tip if self.microphone_in_use else DEVICE_TIP)  # greyed: why
        self.refresh_button.setEnabled(not self.microphone_streaming)
        self.transport.set_streaming(self._streaming)
        self.controls_changed.emit()

    # -- file transport (delegated) ------------------------------------------------------------------
    @property
    def file_source(self) -> FileSource | None:
        return self.transport.file_source

    def request_file(self, path: str | Path) -> None:
        """Ask to play ``path`` with the transport's real-time/loop choices (Open…, drag and drop)."""
        self.transport.request_file(path)

    def set_file_source(self, source: FileSource | None) -> None:
        """Bind the transport to the running file source (None: unbind, e.g. the stream stopped)."""
        self.transport.set_file_source(source)
        self._update_controls()
