"""The input picker is greyed while the microphone streams (choosing means Stop, choose, Start), and says so.

The audit: a user who wanted another microphone while listening found the picker greyed, and its tooltip still
said what the list is, not why it could not be opened nor what to do.
"""

from __future__ import annotations

from workbench.assets import sample_audio_path
from workbench.core.audio.sources import FileSource
from workbench.gui.stream.source_panel import DEVICE_IN_USE_TIP, DEVICE_TIP, SourcePanel


def test_the_greyed_picker_says_to_stop_the_microphone_first(qtbot) -> None:
    panel = SourcePanel()
    qtbot.addWidget(panel)
    panel.show()
    assert panel.device_combo.isEnabled() and panel.device_combo.toolTip() == DEVICE_TIP
    panel.set_streaming(True)  # the microphone streams (no file is bound)
    assert panel.microphone_streaming
    assert not panel.device_combo.isEnabled() and panel.device_combo.toolTip() == DEVICE_IN_USE_TIP
    panel.set_streaming(False)
    assert panel.device_combo.isEnabled() and panel.device_combo.toolTip() == DEVICE_TIP


def test_a_playing_file_leaves_the_picker_open(qtbot) -> None:
    panel = SourcePanel()
    qtbot.addWidget(panel)
    source = FileSource(sample_audio_path(), realtime=True)
    source.start()
    try:
        panel.set_streaming(True)
        panel.set_file_source(source)
        assert not panel.microphone_streaming
        assert panel.device_combo.isEnabled() and panel.device_combo.toolTip() == DEVICE_TIP
    finally:
        source.stop()
