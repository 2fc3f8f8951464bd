"""Stream > Use microphone opens the input picked this session, else the one saved at the last close.

The audit: the action read the settings, which the window writes when it closes, so after the user had picked an
input in the Source panel, played a file, and chosen Use microphone, the window listened to the input of the last
session -- another microphone. Real PortAudio on a private PulseAudio server (tests/virtmic.py) with named ALSA
inputs (tests/alsa_inputs.py); the window under pytest-qt.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from workbench.assets import sample_audio_path
from workbench.core.audio.devices import DeviceIdentity
from workbench.gui.settings.app_settings import AppSettings
from workbench.gui.stream.source_choice import FILE
from workbench.gui.window.main_window import DEFAULT_SIZE, MainWindow
from tests.gui.stream.test_no_input_words import menu_action
from tests.gui.stream.test_reopened_input import choose_and_start

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from alsa_inputs import alsa_inputs  # noqa: E402
from virtmic import running_or_skip  # noqa: E402

CHOSEN, SAVED = "kws_mic_b", "kws_mic_a"
USE_MICROPHONE = "Stream > Use microphone"


def listening_to(window) -> str:  # type: ignore[no-untyped-def]
    """The name of the input the window's stream listens to (AssertionError when no microphone streams)."""
    controller = window.controller
    assert controller.running, window.last_error
    return controller.session.source.device.name


@contextmanager
def started_on_a_file_after(device: int | str | DeviceIdentity) -> Iterator[MainWindow]:
    """A window started on the bundled sample (``kws gui --audio``) after one whose close saved ``device`` as its
    microphone (the test's settings folder: ``settings_dir``); a name or a number is saved as the first versions
    saved it (without a host API)."""
    closed = AppSettings()
    closed.set_device(device)
    closed.sync()
    window = MainWindow(dark=True)
    window.resize(*DEFAULT_SIZE)
    window.show()  # closed and deleted below, not by qtbot (it would close what is deleted)
    try:
        window.start_up(audio=sample_audio_path())
        assert window.controller.source_choice.kind == FILE and window.controller.running, window.last_error
        yield window
    finally:
        window.controller.stop()
        window.close()
        window.deleteLater()  # gone before the next test's window (tests/gui/conftest.py: _delete_now)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_use_microphone_opens_the_input_picked_this_session_not_the_one_saved(qtbot, window, tmp_path: Path) -> None:
    controller = window.controller
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(SAVED, CHOSEN)
            window.settings.set_device(DeviceIdentity(SAVED, "ALSA"))  # what the last session's close kept
            choose_and_start(qtbot, window, CHOSEN)  # picked in the Source panel this session
            window.play_sample()  # then a file plays
            assert controller.source_choice.kind == FILE and controller.running, window.last_error
            menu_action(window, USE_MICROPHONE).trigger()
            assert listening_to(window) == CHOSEN
        finally:
            controller.stop()


def test_use_microphone_opens_the_input_saved_when_none_was_picked_this_session(
        qtbot, settings_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The window started on a file: the microphone of the last session, not the default input."""
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        inputs.plug_and_rescan(CHOSEN, SAVED)
        with started_on_a_file_after(DeviceIdentity(SAVED, "ALSA")) as window:
            menu_action(window, USE_MICROPHONE).trigger()
            assert listening_to(window) == SAVED
            assert window.source_panel.device_combo.currentText() == f"{SAVED} (ALSA)"


@pytest.mark.parametrize("saved_by", ["name", "number"])
def test_use_microphone_opens_the_input_an_earlier_version_saved_by_its_name_or_number(
        qtbot, settings_dir: Path, tmp_path: Path, saved_by: str) -> None:  # type: ignore[no-untyped-def]
    """Start-up opened it, but the Source panel's list found only an input saved with its host API: it selected the
    default input, and Use microphone after a file opened that."""
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        inputs.plug_and_rescan(CHOSEN, SAVED)
        saved = inputs.listed(SAVED)
        with started_on_a_file_after(saved.name if saved_by == "name" else saved.index) as window:
            assert window.source_panel.device_combo.currentText() == f"{SAVED} (ALSA)"
            assert window.source_panel.microphone_choice == saved.identity
            menu_action(window, USE_MICROPHONE).trigger()
            assert listening_to(window) == SAVED


def test_while_the_window_reopens_its_vanished_input_that_input_is_the_one_to_use(window) -> None:
    """The list, fixed while the window waits, may show the default input; the input picked is the one awaited."""
    panel = window.source_panel
    awaited = DeviceIdentity(CHOSEN, "ALSA")
    panel.set_reopening(True, awaited)
    try:
        assert panel.selected_device() is None and panel.microphone_choice == awaited
    finally:
        panel.set_reopening(False)
    assert panel.microphone_choice is None


def test_the_next_start_opens_the_input_picked_this_session_though_a_file_played_at_the_close(
        qtbot, window, tmp_path: Path) -> None:
    """The close kept the microphone only while one streamed: a session that picked another input and then played a
    file left the last session's input saved, so the next start opened that one."""
    controller = window.controller
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(SAVED, CHOSEN)
            window.settings.set_device(DeviceIdentity(SAVED, "ALSA"))
            window.settings.sync()
            choose_and_start(qtbot, window, CHOSEN)
            window.play_sample()
            assert controller.source_choice.kind == FILE and controller.running, window.last_error
            window.close()  # writes what the next start restores
            saved = AppSettings().device()
            assert isinstance(saved, DeviceIdentity) and saved.name == CHOSEN
        finally:
            controller.stop()
