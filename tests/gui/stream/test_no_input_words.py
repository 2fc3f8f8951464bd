"""Without any microphone the window says what to do in the window -- plug one in and press Refresh, then Start, in
the Source panel, or File > Open audio… -- in a sentence that starts with a capital; not the command line's "pass a
WAV file", nor "choose Stream > Use microphone" in the box that follows that very choice."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from workbench.core.audio import devices
from workbench.core.errors import DeviceError
from workbench.gui.stream.no_input_words import NO_INPUT_REMEDY, NO_INPUT_TEXT, sample_instead_text
from workbench.gui.stream.source_choice import FILE

COMMAND_LINE_WORDS = "pass a WAV file"
SAMPLE = "yes_no.wav"


@pytest.fixture
def no_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with no audio input (PortAudio lists none), whatever this one has."""
    monkeypatch.setattr(devices, "list_input_devices", lambda: [])


def menu_action(window, path: str) -> QAction:  # type: ignore[no-untyped-def]
    """The menu item at ``"Menu > Item"`` as the window shows it (without the & of its mnemonic)."""
    menu_title, item = path.split(" > ")
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu_title)
    return next(a for a in menu.actions() if a.text().replace("&", "") == item)


def test_the_window_names_its_own_menu_items_for_a_missing_microphone(window) -> None:  # type: ignore[no-untyped-def]
    assert "File > Open audio…" in NO_INPUT_TEXT
    menu_action(window, "File > Open audio…")  # the item the sentence names is there, so named
    panel = window.source_panel  # and so are the buttons (as they show, without the & of a mnemonic)
    refresh, start = (button.text().replace("&", "") for button in (panel.refresh_button, panel.start_button))
    buttons = f"press {refresh}, then {start}, in the Source panel"
    assert buttons in NO_INPUT_TEXT
    assert NO_INPUT_TEXT[0].isupper() and COMMAND_LINE_WORDS not in NO_INPUT_TEXT
    assert "Use microphone" not in NO_INPUT_TEXT


def test_use_microphone_without_one_says_what_to_do_in_the_window(qtbot, window, no_inputs) -> None:
    menu_action(window, "Stream > Use microphone").trigger()
    assert window.last_error == NO_INPUT_TEXT  # the message box's and the status bar's sentence


def test_the_start_without_a_microphone_plays_the_sample_and_says_what_to_do(qtbot, window, no_inputs) -> None:
    try:
        assert not window.controller.use_microphone_or_sample()
        assert window.controller.source_choice.kind == FILE and window.controller.running
        status = window.statusBar().currentMessage()
    finally:
        window.controller.stop()
    assert status.startswith("No audio input device found, so the bundled sample yes_no.wav plays: ")
    assert "File > Open audio…" in status and "press Refresh, then Start, in the Source panel" in status
    assert COMMAND_LINE_WORDS not in status


def test_no_input_at_all_outweighs_a_remembered_devices_failure() -> None:
    failures = [DeviceError("device 7 is gone"), devices.NoInputDeviceError(devices.NO_INPUT_MESSAGE)]
    assert sample_instead_text(SAMPLE, failures) == (
        f"No audio input device found, so the bundled sample {SAMPLE} plays: {NO_INPUT_REMEDY}.")


def test_devices_that_fail_to_open_are_named_by_the_first_reason() -> None:
    failures = [DeviceError("device 7 is gone"), DeviceError("the default input is busy")]
    assert sample_instead_text(SAMPLE, failures) == (
        f"No microphone (device 7 is gone); playing the bundled sample {SAMPLE} instead.")
