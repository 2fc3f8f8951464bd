"""SourcePanel against real parts: the PortAudio device list (optionally a real PulseAudio virtual
source that is then killed) and a real FileSource of the bundled sample driven by the transport."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.core.audio.sources import FileSource, list_input_devices
from workbench.gui.stream.file_transport_view import SEEK_STEPS_PER_S, format_time
from workbench.gui.stream.source_panel import (NO_INPUT_TIP, RECORD_NEEDS_STREAM_TIP, RECORD_NOT_A_FILE_TIP,
                                               RECORD_TIP, START_TIP, SourcePanel)

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE = REPO_ROOT / "resources" / "audio" / "yes_no.wav"
sys.path.insert(0, str(REPO_ROOT / "tests"))
from virtmic import running_or_skip  # noqa: E402

SAMPLE_RATE = 16000


@pytest.fixture
def panel(qtbot) -> SourcePanel:
    widget = SourcePanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def play_file(panel: SourcePanel, path: str, realtime: bool, loop: bool) -> FileSource:
    """What the main window does on file_requested: make, start and bind the source."""
    source = FileSource(path, realtime=realtime, loop=loop)
    source.start()
    panel.set_streaming(True)
    panel.set_file_source(source)
    return source


def test_device_list_matches_portaudio_and_start_requests_the_selection(panel, qtbot):
    devices = list_input_devices()
    assert panel.device_combo.count() == len(devices) + 1  # the "default" entry first
    assert panel.selected_device() is None
    if devices:
        with qtbot.waitSignal(panel.microphone_requested) as blocker:
            panel.start_button.click()
        assert blocker.args == [None]
    else:  # no input: Start is off and says why (test_no_input_disables_start_and_record_with_the_reason)
        assert not panel.start_button.isEnabled() and panel.start_button.toolTip() == NO_INPUT_TIP
    panel.set_streaming(True)
    assert panel.start_button.text() == "Stop"
    assert not panel.device_combo.isEnabled()
    assert panel.record_button.isEnabled()
    with qtbot.waitSignal(panel.stop_requested):
        panel.start_button.click()


def test_record_button_emits_and_stopping_the_stream_ends_the_recording(panel, qtbot):
    assert not panel.record_button.isEnabled()  # nothing streams: nothing to record
    panel.set_streaming(True)
    with qtbot.waitSignal(panel.record_toggled) as started:
        panel.record_button.click()
    assert started.args == [True]
    assert panel.record_button.text() == "Stop recording"
    with qtbot.waitSignal(panel.record_toggled) as stopped:
        panel.set_streaming(False)
    assert stopped.args == [False]
    assert not panel.record_button.isChecked()


def test_virtual_microphone_is_listed_and_its_loss_falls_back_to_default(panel, qtbot):
    with running_or_skip() as mic:
        panel.refresh_device_list(rescan=True)  # "changed" depends on what an earlier test left enumerated
        names = [d.name for d in panel.devices]
        assert "pulse" in names, names
        pulse = next(d for d in panel.devices if d.name == "pulse")
        assert panel.select_device(pulse.identity)
        assert panel.selected_device() == pulse.identity
        # a stream runs: the hot-plug poll must not re-scan (it would kill the stream)
        panel.set_streaming(True)
        mic.kill_server()
        panel.poll_devices()
        assert panel.selected_device() == pulse.identity
        panel.set_streaming(False)
        with qtbot.waitSignal(panel.status_message) as notice:
            panel.poll_devices()
        assert "disappeared" in notice.args[0]
        assert "pulse" not in [d.name for d in panel.devices]
        assert panel.selected_device() is None
        assert "disappeared" in panel.message


def test_open_file_emits_request_with_transport_choices(panel, qtbot):
    panel.transport.loop_check.setChecked(True)
    panel.transport.realtime_check.setChecked(False)
    with qtbot.waitSignal(panel.file_requested) as blocker:
        panel.request_file(SAMPLE)
    assert blocker.args == [str(SAMPLE), False, True]
    assert panel.transport.file_label.text() == SAMPLE.name


def test_transport_pauses_seeks_and_loops_a_real_file_source(panel, qtbot):
    source = play_file(panel, str(SAMPLE), realtime=False, loop=False)
    assert panel.transport.seek_slider.maximum() == round(source.duration_s * SEEK_STEPS_PER_S)
    assert panel.transport.play_button.text() == "Pause"

    first = source.read(SAMPLE_RATE)  # the engine consumed one second
    assert first.size == SAMPLE_RATE
    qtbot.waitUntil(lambda: panel.transport.seek_slider.value() == SEEK_STEPS_PER_S, timeout=2000)
    assert panel.transport.time_label.text().startswith(format_time(1.0))

    panel.transport.play_button.click()  # pause: nothing more is delivered
    assert source.paused
    assert source.read(SAMPLE_RATE).size == 0
    assert panel.transport.play_button.text() == "Play"
    panel.transport.play_button.click()
    assert not source.paused

    target_s = 2.5
    panel.transport.seek_slider.setValue(round(target_s * SEEK_STEPS_PER_S))  # a click on the bar seeks
    assert source.position_s == pytest.approx(target_s)
    after_seek = source.read(SAMPLE_RATE // 10)
    start = round(target_s * SAMPLE_RATE)
    assert (after_seek == source.clip.samples[start:start + after_seek.size]).all()

    panel.transport.loop_check.setChecked(True)
    assert source.loop
    panel.set_file_source(None)
    assert not panel.transport.seek_slider.isEnabled()


def test_drag_shows_target_and_seeks_on_release(panel, qtbot):
    source = play_file(panel, str(SAMPLE), realtime=True, loop=False)
    panel.transport._on_seek_pressed()  # what QSlider.sliderPressed does at the start of a drag
    panel.transport.seek_slider.setValue(3 * SEEK_STEPS_PER_S)
    assert source.position_s == 0.0  # not yet: dragging only previews
    assert panel.transport.time_label.text().startswith(format_time(3.0))
    panel.transport._on_seek_released()
    assert source.position_s == pytest.approx(3.0)
    source.stop()


def test_play_without_a_running_source_requests_the_file_again(panel, qtbot):
    source = play_file(panel, str(SAMPLE), realtime=False, loop=False)
    while not source.finished:
        source.read()
    panel.set_streaming(False)
    panel.set_file_source(None)
    with qtbot.waitSignal(panel.file_requested) as blocker:
        panel.transport.play_button.click()
    assert blocker.args[0] == str(SAMPLE)


def test_no_input_disables_start_and_record_with_the_reason(panel, qtbot):
    """No microphone: the Microphone group's Start stays off and says why (it would only fail in a box), also while
    the bundled sample plays -- it acts on the microphone only; the file player pauses the file. A file plays, so
    Record says it takes the microphone, not the file."""
    if list_input_devices():
        pytest.skip("this machine has an audio input (the virtual-microphone test covers the change)")
    source = play_file(panel, str(SAMPLE), realtime=True, loop=True)
    try:
        assert not panel.start_button.isEnabled() and panel.start_button.text() == "Start"
        assert panel.start_button.toolTip() == NO_INPUT_TIP
        assert not panel.record_button.isEnabled() and panel.record_reason == RECORD_NOT_A_FILE_TIP
        assert panel.record_button.toolTip() == RECORD_NOT_A_FILE_TIP
        assert panel.refresh_button.isEnabled()  # a file holds no audio device: plug one in, Refresh finds it
        with qtbot.assertNotEmitted(panel.stop_requested), qtbot.assertNotEmitted(panel.microphone_requested):
            panel.toggle_microphone()  # what the button would do, were it enabled: nothing without an input
        panel.transport.play_button.click()
        assert source.paused
        panel.set_streaming(False)
        assert not panel.start_button.isEnabled() and panel.start_button.toolTip() == NO_INPUT_TIP
        assert not panel.record_button.isEnabled() and panel.record_button.toolTip() == NO_INPUT_TIP
        with qtbot.assertNotEmitted(panel.microphone_requested):
            panel.start_button.click()
    finally:
        source.stop()


def test_while_a_file_plays_start_asks_for_the_microphone_and_stop_only_stops_a_microphone(panel, qtbot):
    with running_or_skip():
        panel.refresh_device_list(rescan=True)
        assert panel.devices
        source = play_file(panel, str(SAMPLE), realtime=True, loop=True)
        try:
            assert panel.start_button.isEnabled() and panel.start_button.text() == "Start"
            assert panel.device_combo.isEnabled() and panel.refresh_button.isEnabled()
            with qtbot.assertNotEmitted(panel.stop_requested), qtbot.waitSignal(panel.microphone_requested):
                panel.start_button.click()  # the microphone takes over from the file
        finally:
            source.stop()
        panel.set_file_source(None)  # what the window reports once the microphone streams
        assert panel.start_button.text() == "Stop" and not panel.refresh_button.isEnabled()
        with qtbot.waitSignal(panel.stop_requested):
            panel.start_button.click()


def test_an_input_plugged_in_enables_start_and_its_loss_says_why_not(panel, qtbot):
    with running_or_skip() as mic:
        panel.refresh_device_list(rescan=True)  # the hot-plug poll's work
        assert panel.devices and panel.start_button.isEnabled() and panel.start_button.toolTip() == START_TIP
        assert not panel.record_button.isEnabled() and panel.record_button.toolTip() == RECORD_NEEDS_STREAM_TIP
        panel.set_streaming(True)  # a microphone streams
        assert panel.record_button.isEnabled() and panel.record_button.toolTip() == RECORD_TIP
        panel.set_streaming(False)
        mic.kill_server()
        panel.poll_devices()
        assert panel.start_button.isEnabled() == bool(panel.devices)
        assert panel.start_button.toolTip() == (START_TIP if panel.devices else NO_INPUT_TIP)
