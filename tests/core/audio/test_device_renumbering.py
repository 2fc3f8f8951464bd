"""A microphone reopened after PortAudio renumbered its inputs: the same input, or an error that names it.

PortAudio numbers its inputs in the order it finds them; a re-scan after a device was plugged in or out (the
window's hot-plug scan, the retry after a loss) renumbers them. The audit: a MicrophoneSource asked for input 1
reopened (its next start) whatever input had number 1 then -- another microphone, silently. Real PortAudio on a
private PulseAudio server, with named ALSA inputs that a rewritten configuration renumbers (tests/alsa_inputs.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.core.audio.devices import DeviceIdentity
from workbench.core.audio.sources import MicrophoneSource, default_input_device
from workbench.core.errors import DeviceError

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from alsa_inputs import AlsaInputs, alsa_inputs  # noqa: E402
from virtmic import running_or_skip  # noqa: E402

CHOSEN, OTHER = "kws_mic_b", "kws_mic_a"
AUDIO_WAIT_S = 5.0


@pytest.fixture
def inputs(tmp_path: Path) -> Iterator[AlsaInputs]:
    """The chosen input alone is plugged in (and listed), on a running virtual microphone."""
    with running_or_skip(), alsa_inputs(tmp_path) as defined:
        defined.plug_and_rescan(CHOSEN)
        yield defined


def hears(source: MicrophoneSource) -> bool:
    """The source delivers audio (the virtual microphone's keep-alive silence)."""
    source.wait(AUDIO_WAIT_S)
    return source.read().size > 0


def chosen_by_number(inputs: AlsaInputs) -> tuple[MicrophoneSource, int]:
    """A source asked for the chosen input by its number, started once (it streamed) and stopped."""
    number = inputs.listed(CHOSEN).index
    source = MicrophoneSource(device=number)
    source.start()
    try:
        assert source.device.name == CHOSEN and hears(source)
    finally:
        source.stop()
    return source, number


def test_a_restart_after_a_renumbering_reopens_the_input_chosen_by_its_number(inputs: AlsaInputs) -> None:
    source, number = chosen_by_number(inputs)
    inputs.plug_and_rescan(OTHER, CHOSEN)  # plugged in meanwhile, before it: it takes the chosen one's number
    assert inputs.listed(OTHER).index == number
    source.start()
    try:
        assert source.device.name == CHOSEN, f"reopened {source.device.name!r}, not the input chosen"
        assert source.device.index == inputs.listed(CHOSEN).index != number
        assert hears(source)
    finally:
        source.stop()


def test_a_chosen_input_that_is_gone_is_said_missing_not_replaced_by_the_one_with_its_number(
        inputs: AlsaInputs) -> None:
    source, number = chosen_by_number(inputs)
    inputs.plug_and_rescan(OTHER)  # the chosen one unplugged, another plugged in: it gets the number
    assert inputs.listed(OTHER).index == number
    try:
        with pytest.raises(DeviceError, match=rf"^the audio input '{CHOSEN} \(ALSA\)' is not connected$"):
            source.start()
    finally:
        source.stop()  # (what it opened instead, if it did)
    assert not source.running
    inputs.plug_and_rescan(OTHER, CHOSEN)  # back, under another number
    source.start()
    try:
        assert source.device.name == CHOSEN and hears(source)
    finally:
        source.stop()


def test_an_identity_finds_its_input_under_a_new_number_after_a_re_scan(inputs: AlsaInputs) -> None:
    """What the window keeps of a chosen input: the name and host API, with where it was last listed."""
    kept = inputs.listed(CHOSEN).identity
    assert kept == DeviceIdentity(CHOSEN, "ALSA")  # where it was listed is no part of what it is
    inputs.plug_and_rescan(OTHER, CHOSEN)
    source = MicrophoneSource(device=kept)
    assert source.device.name == CHOSEN and source.device.index != kept.last_index
    assert source.stable_device == kept


def test_the_default_input_is_followed_not_pinned_to_the_input_it_was(inputs: AlsaInputs) -> None:
    source = MicrophoneSource()
    first = source.device
    assert first.is_default and source.stable_device is None
    inputs.plug_and_rescan(OTHER, CHOSEN)  # the default input moves to the next number
    source.start()
    try:
        now = default_input_device()
        assert now is not None and source.device == now and source.device.index != first.index
    finally:
        source.stop()
