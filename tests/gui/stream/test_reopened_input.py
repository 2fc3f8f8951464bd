"""The window reopens the input the user chose, whatever number PortAudio gives it by then.

The audit: the Source panel asked for a microphone by its PortAudio number, and the window kept that number to
reopen it: after the retry that follows a lost microphone, or for another model. A re-scan in between (the panel's
hot-plug scan, the retry's own) renumbers the inputs, so the window went on listening, without a word, to the input
that had taken the number -- another microphone -- while the panel's list showed the default input selected.

And while the window retries the input that vanished, the Source panel's hot-plug scan said the opposite of what
the window does: that the input disappeared and the system default input is used now.

Real PortAudio on a private PulseAudio server (tests/virtmic.py) with named ALSA inputs that a rewritten
configuration plugs in and out and so renumbers (tests/alsa_inputs.py); the window under pytest-qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.assets import default_model_path
from workbench.core.audio.devices import DeviceIdentity
from workbench.gui.stream.source_panel import FELL_BACK_TEXT, REOPENING_TEXT

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from alsa_inputs import alsa_inputs  # noqa: E402
from virtmic import VirtualMic, running_or_skip  # noqa: E402

CHOSEN, OTHER = "kws_mic_b", "kws_mic_a"
RETRY_MS = 200
STREAM_MS = 20_000
STILL_UNAVAILABLE = "The microphone is still unavailable"


def choose_and_start(qtbot, window, name: str):  # type: ignore[no-untyped-def]
    """Pick ``name`` in the Source panel's list, press Start and wait until audio flows; the session."""
    panel, controller = window.source_panel, window.controller
    panel.refresh_device_list(rescan=False)
    row = panel.device_combo.findText(f"{name} (ALSA)")
    assert row > 0, [panel.device_combo.itemText(i) for i in range(panel.device_combo.count())]
    panel.device_combo.setCurrentIndex(row)
    panel.start_button.click()
    assert controller.running, window.last_error
    session = controller.session
    qtbot.waitUntil(lambda: session.spectrogram.total > 10, timeout=STREAM_MS)
    return session


def test_the_retry_reopens_the_input_chosen_and_not_the_one_given_its_number(qtbot, window, tmp_path: Path) -> None:
    controller, panel, bar = window.controller, window.source_panel, window.statusBar()
    controller.set_retry_interval(RETRY_MS)
    second: VirtualMic | None = None
    with running_or_skip() as mic, alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(CHOSEN)
            number = inputs.listed(CHOSEN).index
            first = choose_and_start(qtbot, window, CHOSEN)
            mic.kill_server()  # the microphone vanishes mid-stream: the window retries it
            qtbot.waitUntil(lambda: not controller.running and window.last_error is not None, timeout=STREAM_MS)
            window.error_box.close()
            panel.poll_devices()  # the hot-plug scan while nothing streams: the list falls back to the default
            assert panel.selected_device() is None and "disappeared" in panel.message
            mic.stop()
            second = VirtualMic().start()  # the sound server is back, and with it another input, on that number
            inputs.plug_and_rescan(OTHER)
            assert inputs.listed(OTHER).index == number
            bar.clearMessage()
            qtbot.waitUntil(lambda: controller.running or bar.currentMessage().startswith(STILL_UNAVAILABLE),
                            timeout=STREAM_MS)
            assert not controller.running, f"the retry listens to {controller.session.source.name!r}"
            assert bar.currentMessage() == (f"{STILL_UNAVAILABLE} (the audio input '{CHOSEN} (ALSA)' is not "
                                            "connected); retrying…")

            inputs.plug(OTHER, CHOSEN)  # the chosen input is back, under the next number (the retry re-scans)
            qtbot.waitUntil(lambda: controller.running and controller.session is not first, timeout=STREAM_MS)
            reopened = controller.session.source.device
            assert (reopened.name, reopened.index) == (CHOSEN, number + 1)
            assert bar.currentMessage() == "The microphone is back."
            assert panel.selected_device() == reopened.identity  # the list shows the input that streams
            assert panel.device_combo.currentText() == f"{CHOSEN} (ALSA)"
        finally:
            controller.stop()
            if second is not None:
                second.stop()


def test_another_model_reopens_the_input_chosen_after_a_renumbering(qtbot, window, tmp_path: Path) -> None:
    controller = window.controller
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(CHOSEN)
            choose_and_start(qtbot, window, CHOSEN)
            window.source_panel.start_button.click()  # Stop
            assert not controller.running
            inputs.plug_and_rescan(OTHER, CHOSEN)  # plugged in while stopped: it takes the chosen one's number
            assert window.open_model(default_model_path()), window.last_error
            window.start_action.trigger()
            assert controller.running, window.last_error
            assert controller.session.source.device.name == CHOSEN
            assert window.source_panel.device_combo.currentText() == f"{CHOSEN} (ALSA)"
        finally:
            controller.stop()


def test_the_input_chosen_is_remembered_by_its_name_not_its_number(qtbot, window, tmp_path: Path) -> None:
    """The next start finds it by its name and host API: its number may be another input's then."""
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        inputs.plug_and_rescan(CHOSEN)
        choose_and_start(qtbot, window, CHOSEN)
        window.close()  # the window keeps the microphone in use
    assert window.settings.device() == DeviceIdentity(CHOSEN, "ALSA")


def test_the_next_start_opens_the_input_remembered_whatever_its_number(qtbot, window, tmp_path: Path) -> None:
    """What the window keeps of its microphone is what its start-up path opens (tests/gui/test_app_settings_device.py:
    the same name on another host API, a card's new numbers)."""
    controller = window.controller
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(CHOSEN)
            choose_and_start(qtbot, window, CHOSEN)
            controller.stop()
            window.settings.set_device(controller.source_choice.device)  # as the window's close keeps it
            inputs.plug_and_rescan(OTHER, CHOSEN)  # the chosen input's number is the other's now
            assert controller.use_microphone_or_sample(window.settings.device())  # (start-up, no --device)
            assert controller.running and controller.session.source.device.name == CHOSEN
        finally:
            controller.stop()


def lose_the_chosen_input(qtbot, window, mic: VirtualMic):  # type: ignore[no-untyped-def]
    """Stream the chosen input, then kill its sound server: the window retries it, and the panel's hot-plug scan (as
    nothing streams) finds it gone. The session that streamed."""
    controller = window.controller
    controller.set_retry_interval(RETRY_MS)
    first = choose_and_start(qtbot, window, CHOSEN)
    mic.kill_server()
    qtbot.waitUntil(lambda: not controller.running and window.last_error is not None, timeout=STREAM_MS)
    window.error_box.close()
    window.source_panel.poll_devices()
    return first


def test_while_the_window_retries_the_vanished_input_the_panel_says_it_will_be_reopened(
        qtbot, window, tmp_path: Path) -> None:
    controller, panel = window.controller, window.source_panel
    second: VirtualMic | None = None
    with running_or_skip() as mic, alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(CHOSEN)
            first = lose_the_chosen_input(qtbot, window, mic)
            assert panel.message == REOPENING_TEXT.format(name=CHOSEN)
            assert panel.reopening and panel.start_button.isEnabled() and panel.start_button.text() == "Stop"
            assert not panel.device_combo.isEnabled()  # chosen again only after Stop, as the notice says
            assert window.start_action.text() == "&Stop"  # the window's Stream menu agrees with the panel

            mic.stop()
            second = VirtualMic().start()  # the sound server is back, and with it the input: the retry reopens it
            qtbot.waitUntil(lambda: controller.running and controller.session is not first, timeout=STREAM_MS)
            assert not panel.reopening and panel.message == ""
            assert panel.selected_device() == controller.session.source.device.identity
        finally:
            controller.stop()
            if second is not None:
                second.stop()


def test_stop_ends_the_wait_and_the_panel_then_says_the_default_input_is_used(qtbot, window, tmp_path: Path) -> None:
    controller, panel = window.controller, window.source_panel
    with running_or_skip() as mic, alsa_inputs(tmp_path) as inputs:
        inputs.plug_and_rescan(CHOSEN)
        lose_the_chosen_input(qtbot, window, mic)
        assert panel.reopening
        panel.start_button.click()  # Stop
        assert not panel.reopening and not controller.running
        assert panel.message == FELL_BACK_TEXT.format(name=CHOSEN)
        assert panel.start_button.text() == "Start" and panel.device_combo.isEnabled()


def test_an_input_that_vanishes_while_nothing_streams_leaves_the_default_input(qtbot, window, tmp_path: Path) -> None:
    panel = window.source_panel
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        inputs.plug_and_rescan(OTHER, CHOSEN)
        choose_and_start(qtbot, window, CHOSEN)
        panel.start_button.click()  # Stop
        inputs.plug(OTHER)  # unplugged while stopped
        panel.poll_devices()
        assert not panel.reopening and panel.selected_device() is None
        assert panel.message == FELL_BACK_TEXT.format(name=CHOSEN)


def test_the_windows_stop_ends_the_wait_too(qtbot, window, tmp_path: Path) -> None:
    """Stream ▸ Stop (and Space) while the window waits for the vanished input ends the wait, as the panel's Stop
    does: it read Start, and starting asked for the missing input again (an error box) while the retry went on."""
    controller, panel = window.controller, window.source_panel
    with running_or_skip() as mic, alsa_inputs(tmp_path) as inputs:
        inputs.plug_and_rescan(CHOSEN)
        lose_the_chosen_input(qtbot, window, mic)
        assert controller.retrying and window.start_action.text() == "&Stop"
        window.last_error = None
        window.start_action.trigger()
        assert not controller.retrying and not controller.running and window.last_error is None
        assert window.start_action.text() == "&Start" and not panel.reopening
