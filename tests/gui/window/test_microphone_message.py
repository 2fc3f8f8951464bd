"""The notice under the microphone controls says what is wrong now, not what was wrong before (a vanished
microphone that returns: test_main_window_state)."""

from __future__ import annotations

from workbench.assets import sample_audio_path
from workbench.gui.stream.source_choice import FILE, MICROPHONE, SourceChoice

MISSING_DEVICE = 99


def test_an_unknown_device_notice_clears_when_a_stream_starts(qtbot, window) -> None:
    panel = window.source_panel
    assert not window.controller.set_source(SourceChoice(MICROPHONE, device=MISSING_DEVICE))
    assert f"no audio input device number {MISSING_DEVICE}" in panel.message
    try:
        assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
        assert window.controller.running
        assert panel.message == ""
    finally:
        window.controller.stop()

