"""A sound card re-plugged into another USB port: the identity of the input chosen still finds it, and only it.

PortAudio's ALSA host API names a sound card's input with its card and device numbers ("USB Audio Device: -
(hw:1,0)"); plugged into another port, the microphone comes back as another card ("... (hw:2,0)"). The audit: its
identity (name and host API) then matched nothing, and the window's retry never reopened it. No sound card can be
plugged in here (and PortAudio lists no ALSA configuration PCM whose name holds such numbers), so these tests give
:func:`find_identity` the lists PortAudio gives with cards; tests/core/audio/test_device_renumbering.py runs the exact
match on real PortAudio.
"""

from __future__ import annotations

import pytest

from workbench.core.audio.devices import DeviceIdentity, InputDevice, find_identity
from workbench.core.errors import DeviceError

ALSA, JACK = "ALSA", "JACK Audio Connection Kit"
USB_MIC = "USB Audio Device: -"
CHOSEN = DeviceIdentity(f"{USB_MIC} (hw:1,0)", ALSA, last_index=1)
NOT_CONNECTED = rf"^the audio input '{USB_MIC} \(hw:1,0\) \(ALSA\)' is not connected$"


def listed(*names_and_apis: tuple[str, str]) -> list[InputDevice]:
    """Inputs as list_input_devices gives them, numbered in this order (the first is the system's default)."""
    return [InputDevice(index=index, name=name, host_api=api, max_input_channels=1, default_samplerate=44100.0,
                        is_default=index == 0) for index, (name, api) in enumerate(names_and_apis)]


def on_board_card_and_pcms(*cards: tuple[str, str]) -> list[InputDevice]:
    """The computer's own sound card, ``cards``, then the PCMs of the ALSA configuration, as PortAudio lists them."""
    return listed(("HDA Intel PCH: ALC892 Analog (hw:0,0)", ALSA), *cards, ("pulse", ALSA), ("default", ALSA))


def test_the_card_re_plugged_into_another_port_is_found_under_its_new_numbers() -> None:
    devices = on_board_card_and_pcms((f"{USB_MIC} (hw:2,0)", ALSA))
    assert find_identity(devices, CHOSEN) == devices[1]


def test_the_device_number_may_change_too() -> None:
    devices = on_board_card_and_pcms((f"{USB_MIC} (hw:3,1)", ALSA))
    assert find_identity(devices, CHOSEN) == devices[1]


def test_the_exact_name_comes_first_even_with_a_twin_on_another_card() -> None:
    devices = on_board_card_and_pcms((f"{USB_MIC} (hw:2,0)", ALSA), (f"{USB_MIC} (hw:1,0)", ALSA))
    assert find_identity(devices, CHOSEN) == devices[2]


def test_two_twins_on_other_cards_are_no_guess_the_input_is_not_connected() -> None:
    devices = on_board_card_and_pcms((f"{USB_MIC} (hw:2,0)", ALSA), (f"{USB_MIC} (hw:3,0)", ALSA))
    with pytest.raises(DeviceError, match=NOT_CONNECTED):
        find_identity(devices, CHOSEN)


def test_the_same_name_on_another_host_api_is_another_input() -> None:
    devices = on_board_card_and_pcms((f"{USB_MIC} (hw:2,0)", JACK))
    with pytest.raises(DeviceError, match=NOT_CONNECTED):
        find_identity(devices, CHOSEN)


def test_another_card_given_the_chosen_ones_numbers_is_not_it() -> None:
    devices = on_board_card_and_pcms(("Blue Yeti: USB Audio (hw:1,0)", ALSA))
    with pytest.raises(DeviceError, match=NOT_CONNECTED):
        find_identity(devices, CHOSEN)


@pytest.mark.parametrize(("chosen", "listed_name"), [
    (USB_MIC, f"{USB_MIC} (hw:2,0)"),  # a name without card numbers is matched exactly, or not at all
    (f"{USB_MIC} (hw:1,0)", USB_MIC),  # a configuration PCM of the card's name without numbers is not the card
    (f"{USB_MIC} (hw:1,0) copy", f"{USB_MIC} (hw:2,0) copy"),  # the numbers only count at the end, where ALSA puts them
])
def test_only_card_numbers_at_the_end_of_both_names_are_ignored(chosen: str, listed_name: str) -> None:
    devices = on_board_card_and_pcms((listed_name, ALSA))
    with pytest.raises(DeviceError, match="is not connected$"):
        find_identity(devices, DeviceIdentity(chosen, ALSA))


def test_an_input_without_card_numbers_is_still_found_by_its_exact_name() -> None:
    devices = on_board_card_and_pcms()
    assert find_identity(devices, DeviceIdentity("pulse", ALSA)) == devices[1]
