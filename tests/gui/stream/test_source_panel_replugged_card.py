"""The Source panel's list keeps a USB microphone re-plugged into another port selected, as the window reopens it.

PortAudio's ALSA host API names a sound card's input with its card and device numbers ("USB Audio Device: -
(hw:1,0)"); plugged into another port, the microphone comes back as another card ("... (hw:2,0)"). The window's retry
and start-up find it (:func:`~workbench.core.audio.devices.find_identity`). The audit: the panel's own list compared
inputs exactly, so while nothing streamed it said the input had disappeared and selected the system default input,
and Start (and Stream > Use microphone) then opened the default input. No sound card can be plugged in here, and
PortAudio lists no ALSA configuration PCM whose name holds such numbers (tests/core/audio/test_replugged_sound_card.py),
so the panel (a real widget) is given the lists PortAudio gives with cards.
"""

from __future__ import annotations

import pytest

from workbench.core.audio.devices import DeviceIdentity, InputDevice
from workbench.gui.stream import source_panel
from workbench.gui.stream.source_panel import FELL_BACK_TEXT, REOPENING_TEXT, SourcePanel

ALSA = "ALSA"
USB_MIC = "USB Audio Device: -"
FIRST_PORT, OTHER_PORT, THIRD_PORT = (f"{USB_MIC} (hw:{card},0)" for card in (1, 2, 3))


def listed(*cards: str) -> list[InputDevice]:
    """The computer's own sound card, ``cards``, then the PCMs of the ALSA configuration, as PortAudio lists them
    (numbered in this order; the first is the system's default)."""
    names = ("HDA Intel PCH: ALC892 Analog (hw:0,0)", *cards, "pulse", "default")
    return [InputDevice(index=index, name=name, host_api=ALSA, max_input_channels=1, default_samplerate=44100.0,
                        is_default=index == 0) for index, name in enumerate(names)]


class PluggedCards:
    """The inputs PortAudio lists at the panel's next scan (``now``)."""

    def __init__(self, *cards: str) -> None:
        self.now = listed(*cards)

    def plug(self, *cards: str) -> None:
        self.now = listed(*cards)

    def named(self, name: str) -> InputDevice:
        return next(device for device in self.now if device.name == name)


@pytest.fixture
def cards(monkeypatch: pytest.MonkeyPatch) -> PluggedCards:
    """The USB microphone plugged into its first port; the panel's scans read :class:`PluggedCards`."""
    plugged = PluggedCards(FIRST_PORT)
    monkeypatch.setattr(source_panel, "list_input_devices", lambda: list(plugged.now))
    monkeypatch.setattr(source_panel, "refresh_devices", lambda: True)
    return plugged


@pytest.fixture
def panel(qtbot, cards: PluggedCards) -> SourcePanel:  # type: ignore[no-untyped-def]
    widget = SourcePanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def pick(panel: SourcePanel, name: str) -> None:
    """Choose ``name`` in the list as the user does."""
    row = panel.device_combo.findText(f"{name} ({ALSA})")
    assert row > 0, [panel.device_combo.itemText(i) for i in range(panel.device_combo.count())]
    panel.device_combo.setCurrentIndex(row)


def test_a_microphone_re_plugged_into_another_port_stays_selected_and_start_opens_it_there(
        qtbot, panel: SourcePanel, cards: PluggedCards) -> None:  # type: ignore[no-untyped-def]
    pick(panel, FIRST_PORT)
    cards.plug(OTHER_PORT)  # re-plugged into another port while nothing streams
    panel.poll_devices()
    assert panel.device_combo.currentText() == f"{OTHER_PORT} ({ALSA})"
    assert panel.message == ""  # not "disappeared; using the system default input"
    with qtbot.waitSignal(panel.microphone_requested) as request:
        panel.start_button.click()
    asked = request.args[0]
    present = cards.named(OTHER_PORT)
    assert asked == present.identity and asked.last_index == present.index  # the input listed now, not the old one


def test_the_input_the_window_names_by_its_old_numbers_is_selected_as_it_is_listed_now(
        panel: SourcePanel, cards: PluggedCards) -> None:
    """The window names its microphone to the panel as it was chosen (a model open for inspection only keeps that
    choice unopened; the saved one at start-up): the panel selects the input that is it now."""
    cards.plug(OTHER_PORT)
    panel.poll_devices()
    assert panel.select_device(DeviceIdentity(FIRST_PORT, ALSA, last_index=1))
    assert panel.selected_device() == cards.named(OTHER_PORT).identity


def test_of_two_alike_cards_neither_is_selected(panel: SourcePanel, cards: PluggedCards) -> None:
    """Which of two identical microphones was chosen cannot be told: the default input, and the panel says so."""
    pick(panel, FIRST_PORT)
    cards.plug(OTHER_PORT, THIRD_PORT)
    panel.poll_devices()
    assert panel.selected_device() is None
    assert panel.message == FELL_BACK_TEXT.format(name=FIRST_PORT)
    assert not panel.select_device(DeviceIdentity(FIRST_PORT, ALSA))


def test_a_wait_that_ends_with_the_microphone_back_under_other_numbers_says_no_fall_back(
        panel: SourcePanel, cards: PluggedCards) -> None:
    """The window reopened the microphone the retry waited for, re-plugged into another port: the wait's notice
    goes, and the panel does not say it fell back to the default input (it compared the input exactly)."""
    pick(panel, FIRST_PORT)
    panel.set_reopening(True, panel.selected_device())  # it vanished while it streamed: the window waits for it
    cards.plug()
    panel.refresh_device_list(rescan=False)
    assert panel.message == REOPENING_TEXT.format(name=FIRST_PORT)
    cards.plug(OTHER_PORT)  # back, in another port
    panel.refresh_device_list(rescan=False)
    panel.set_reopening(False)  # the window reopened it
    assert panel.message == ""
