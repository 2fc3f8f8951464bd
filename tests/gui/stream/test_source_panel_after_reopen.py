"""A microphone lost with its sound server, while the window retries it and after it reopened it by itself.

The audit: with the server gone, the panel's hot-plug scan emptied the list ("No audio input found"), and the
status bar said "The microphone is still unavailable (No audio input device found: plug in a microphone and press
Refresh, then Start, …); retrying…" -- Start was off, and the window was retrying by itself. When the server came
back, the retry reopened the microphone, and the panel went on saying "No audio input found" above a Stop button
(it only re-read the list while nothing streamed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.core.audio.devices import NO_INPUT_FOUND
from workbench.core.audio.sources import refresh_devices
from workbench.gui.stream.no_input_words import NO_INPUT_REMEDY
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice
from workbench.gui.stream.source_panel import NO_DEVICE_LABEL

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from virtmic import VirtualMic, running_or_skip  # noqa: E402

RETRY_MS = 200
STREAM_MS = 20_000


def lose_the_server(qtbot, window, mic: VirtualMic) -> None:  # type: ignore[no-untyped-def]
    """Stream the default input, kill its sound server, and let the panel's hot-plug scan find no input."""
    controller = window.controller
    controller.set_retry_interval(RETRY_MS)
    assert controller.set_source(SourceChoice(MICROPHONE)), window.last_error
    first = controller.session
    qtbot.waitUntil(lambda: first.spectrogram.total > 10, timeout=STREAM_MS)
    mic.kill_server()
    qtbot.waitUntil(lambda: not controller.running and window.last_error is not None, timeout=STREAM_MS)
    window.error_box.close()
    window.source_panel.poll_devices()  # the hot-plug timer's scan while nothing streams
    assert window.source_panel.device_combo.currentText() == NO_DEVICE_LABEL and not window.source_panel.devices


def test_the_retry_says_no_input_is_found_without_asking_for_refresh_and_start(qtbot, window) -> None:
    with running_or_skip() as mic:
        refresh_devices()
        try:
            lose_the_server(qtbot, window, mic)
            bar = window.statusBar()
            qtbot.waitUntil(lambda: NO_INPUT_FOUND in bar.currentMessage().lower(), timeout=STREAM_MS)
            assert bar.currentMessage() == f"The microphone is still unavailable ({NO_INPUT_FOUND}); retrying…"
            assert NO_INPUT_REMEDY not in bar.currentMessage()
        finally:
            window.controller.stop()
    refresh_devices()


def test_the_input_list_is_back_when_the_microphone_is(qtbot, window) -> None:
    panel, controller = window.source_panel, window.controller
    second: VirtualMic | None = None
    with running_or_skip() as mic:
        refresh_devices()
        try:
            lose_the_server(qtbot, window, mic)
            first = controller.session
            mic.stop()
            second = VirtualMic().start()  # the server comes back: the window's retry reopens the microphone
            qtbot.waitUntil(lambda: controller.running and controller.session is not first, timeout=STREAM_MS)
            assert panel.microphone_streaming and panel.start_button.text() == "Stop"
            assert panel.devices, "the panel still lists no input while the microphone streams"
            assert panel.device_combo.currentText() != NO_DEVICE_LABEL
            assert panel.record_button.isEnabled()
        finally:
            controller.stop()
            if second is not None:
                second.stop()
    refresh_devices()
