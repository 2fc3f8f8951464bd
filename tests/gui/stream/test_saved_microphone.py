"""The input the next start opens first is the last microphone that streamed, not the last one chosen.

The audit: the window saved a microphone as it was chosen, before its start. One whose stream then failed to start,
or whose first reads failed so that the session stopped at once with a device error, was the next start's first try,
and the input that had streamed was forgotten. Real PortAudio on a private PulseAudio server (tests/virtmic.py) with
named ALSA inputs (tests/alsa_inputs.py): one whose stream cannot start (it records from a source the server does not
have), and inputs that start but deliver nothing while the server's sink is suspended; the window under pytest-qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.core.audio.devices import DeviceIdentity
from workbench.gui.settings.app_settings import AppSettings
from tests.gui.stream.test_reopened_input import choose_and_start

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from alsa_inputs import alsa_inputs  # noqa: E402
from virtmic import running_or_skip  # noqa: E402

SAVED, CHOSEN = "kws_mic_a", "kws_mic_b"
STALL_MS = 20_000  # waits for the stream's own stall detection (seconds), far below this


def saved_input() -> object:
    """The input the next start opens first, as a window started now reads it."""
    return AppSettings().device()


def press_start_on(window, name: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``name`` in the Source panel's list and press Start (whatever comes of it)."""
    panel = window.source_panel
    panel.refresh_device_list(rescan=False)
    row = panel.device_combo.findText(f"{name} (ALSA)")
    assert row > 0, [panel.device_combo.itemText(i) for i in range(panel.device_combo.count())]
    panel.device_combo.setCurrentIndex(row)
    panel.start_button.click()


def test_an_input_whose_stream_cannot_start_leaves_the_saved_one(qtbot, window, tmp_path: Path) -> None:
    controller = window.controller
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(SAVED, CHOSEN, failing=[CHOSEN])
            window.settings.set_device(DeviceIdentity(SAVED, "ALSA"))  # what an earlier session saved
            press_start_on(window, CHOSEN)
            assert not controller.running
            assert (window.last_error or "").startswith(f"cannot open the audio input '{CHOSEN}'"), window.last_error
            window.error_box.close()
            window.close()  # writes what the next start restores
            assert saved_input() == DeviceIdentity(SAVED, "ALSA")
        finally:
            controller.stop()


def test_an_input_whose_first_reads_fail_leaves_the_saved_one(qtbot, window, tmp_path: Path) -> None:
    controller = window.controller
    with running_or_skip() as mic, alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(SAVED, CHOSEN)
            window.settings.set_device(DeviceIdentity(SAVED, "ALSA"))
            mic.suspend()  # the input opens and starts, then delivers nothing
            press_start_on(window, CHOSEN)
            assert controller.running, window.last_error
            qtbot.waitUntil(lambda: "delivered nothing" in (window.last_error or ""), timeout=STALL_MS)
            window.error_box.close()
            assert saved_input() == DeviceIdentity(SAVED, "ALSA")
            window.close()
            assert saved_input() == DeviceIdentity(SAVED, "ALSA")
        finally:
            controller.stop()


def test_an_input_that_streams_is_saved_while_it_streams(qtbot, window, tmp_path: Path) -> None:
    """Not only by the close: a window killed later, or another one started meanwhile, opens it too."""
    controller = window.controller
    with running_or_skip(), alsa_inputs(tmp_path) as inputs:
        try:
            inputs.plug_and_rescan(SAVED, CHOSEN)
            window.settings.set_device(DeviceIdentity(SAVED, "ALSA"))
            choose_and_start(qtbot, window, CHOSEN)
            qtbot.waitUntil(lambda: saved_input() == DeviceIdentity(CHOSEN, "ALSA"), timeout=STALL_MS)
            assert controller.running
        finally:
            controller.stop()
