"""The microphone a window used is found at its next start as the window finds a vanished one: by its name and host
API, tolerating a sound card's new ALSA numbers -- not by its name alone.

The audit: the window kept only the input's name. Windows lists each microphone once per host API under one name
(MME, DirectSound, WASAPI), so the next start opened the first of them, not the one chosen; and a USB microphone
re-plugged into another port between two sessions ("(hw:2,0)" for "(hw:1,0)") matched no name, so the window
started on the system's default input without a word. PortAudio here lists neither (only ALSA inputs without card
numbers), so the inputs are given as PortAudio lists them there, to the lookup start-up opens its microphone with
(as tests/core/audio/test_replugged_sound_card.py does); the settings are real QSettings files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from workbench.core.audio import devices
from workbench.core.audio.devices import DeviceIdentity, InputDevice, resolve_input_device
from workbench.gui.settings.app_settings import DEVICE, AppSettings

WINDOWS_MIC = "Microphone (USB Audio Device)"
USB_CARD = "USB Audio Device: -"


def settings_at(path: Path) -> AppSettings:
    return AppSettings(QSettings(str(path), QSettings.Format.IniFormat))


def listed(*names_and_apis: tuple[str, str]) -> list[InputDevice]:
    """Inputs as list_input_devices gives them, numbered in this order."""
    return [InputDevice(index=index, name=name, host_api=api, max_input_channels=1, default_samplerate=44100.0,
                        is_default=index == 0) for index, (name, api) in enumerate(names_and_apis)]


def remembered(path: Path, chosen: DeviceIdentity) -> int | str | DeviceIdentity | None:
    """What a window started after one that closed streaming ``chosen`` reads as its microphone."""
    closing = settings_at(path)
    closing.device()  # read at its start
    closing.set_device(chosen)
    closing.sync()
    return settings_at(path).device()


@pytest.mark.parametrize(("chosen", "at_next_start", "found"), [
    (DeviceIdentity(WINDOWS_MIC, "Windows WASAPI", 2),
     listed((WINDOWS_MIC, "MME"), (WINDOWS_MIC, "Windows DirectSound"), (WINDOWS_MIC, "Windows WASAPI")), 2),
    (DeviceIdentity(f"{USB_CARD} (hw:1,0)", "ALSA", 1),
     listed(("HDA Intel PCH: ALC892 Analog (hw:0,0)", "ALSA"), (f"{USB_CARD} (hw:2,0)", "ALSA"), ("pulse", "ALSA"),
            ("default", "ALSA")), 1),
])
def test_the_next_start_opens_the_input_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               chosen: DeviceIdentity, at_next_start: list[InputDevice],
                                               found: int) -> None:
    saved = remembered(tmp_path / "settings.ini", chosen)
    monkeypatch.setattr(devices, "list_input_devices", lambda: at_next_start)
    assert resolve_input_device(saved) == at_next_start[found]


@pytest.mark.parametrize(("kept", "read"), [("3", 3), ("pulse", "pulse"), ("", None)])
def test_an_input_an_earlier_version_kept_is_read_as_it_kept_it(tmp_path: Path, kept: str,
                                                                read: int | str | None) -> None:
    """By its number or its name, as ``--device`` takes it."""
    path = tmp_path / "settings.ini"
    earlier = QSettings(str(path), QSettings.Format.IniFormat)
    earlier.setValue(DEVICE, kept)
    earlier.sync()
    assert settings_at(path).device() == read
