"""No audio input at all is its own error (each program says its own remedy), and the command line keeps its words;
an input that is asked for by name or number and missing stays a plain DeviceError."""

from __future__ import annotations

import pytest

from workbench.core.audio import devices
from workbench.core.audio.devices import NO_INPUT_MESSAGE, NoInputDeviceError, resolve_input_device
from workbench.core.audio.sources import MicrophoneSource
from workbench.core.errors import DeviceError


@pytest.fixture
def no_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with no audio input (PortAudio lists none), whatever this one has."""
    monkeypatch.setattr(devices, "list_input_devices", lambda: [])


def test_no_input_at_all_is_a_no_input_error_in_the_command_lines_words(no_inputs) -> None:
    with pytest.raises(NoInputDeviceError) as raised:
        MicrophoneSource()  # the default input, re-scanned once before giving up
    assert str(raised.value) == NO_INPUT_MESSAGE
    assert isinstance(raised.value, DeviceError)  # callers that catch DeviceError still do


@pytest.mark.parametrize("device", ["no such microphone", 7])
def test_a_named_or_numbered_input_that_is_missing_is_no_no_input_error(no_inputs, device: str | int) -> None:
    with pytest.raises(DeviceError) as raised:
        resolve_input_device(device)
    assert not isinstance(raised.value, NoInputDeviceError)
