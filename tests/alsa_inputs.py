"""Audio inputs that come and go, and that PortAudio renumbers when it re-scans, as a USB re-plug makes it do.

PortAudio's ALSA host API lists, after the sound cards (none here), the PCMs the ALSA configuration defines, in the
configuration's order: the system's ``pulse`` first, ``default`` last, and between them the ones of the user's file
``$XDG_CONFIG_HOME/alsa/asoundrc``, which ALSA reads again when PortAudio re-initialises. :class:`AlsaInputs` points
that variable at a private folder and writes there PCMs of type ``pulse`` (each reads the default source of the
:class:`~virtmic.VirtualMic` server that runs, through ``PULSE_SERVER``). Plugging ``kws_mic_a`` in before
``kws_mic_b`` moves ``kws_mic_b`` to the next number and gives its old one to ``kws_mic_a``; and as every ``pulse``
PCM, they are not listed while no server answers (the sound server killed: the inputs vanished). An input plugged in
as ``failing`` records from a PulseAudio source the server does not have: PortAudio lists it and it is chosen as any
other, but its stream fails as it starts (the ALSA plugin connects to the source only then: "Input/output error").

Loading a PulseAudio null-source module instead changes nothing PortAudio lists: its ALSA host API sees PulseAudio's
sources only through these PCMs.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.audio.devices import InputDevice, list_input_devices, refresh_devices

CONFIG_HOME = "XDG_CONFIG_HOME"
MISSING_SOURCE = "kws_no_such_source"  # the PulseAudio source a failing input records from: the server has none


class AlsaInputs:
    """Named inputs defined in a private ALSA configuration under ``folder`` (see the module's docstring)."""

    def __init__(self, folder: Path) -> None:
        self.config_file = folder / "alsa" / "asoundrc"
        self.config_file.parent.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text("")

    def plug(self, *names: str, failing: Collection[str] = ()) -> None:
        """Exactly these inputs are defined from now on, in this order (PortAudio sees them at its next re-scan);
        those also in ``failing`` cannot start a stream (see the module's docstring)."""
        self.config_file.write_text("".join(_pcm(name, name in failing) for name in names))

    def plug_and_rescan(self, *names: str, failing: Collection[str] = ()) -> None:
        """:meth:`plug`, then re-scan (nothing may stream: a re-scan is refused while a stream is open)."""
        self.plug(*names, failing=failing)
        assert refresh_devices(), "a stream is open: PortAudio was not re-scanned"

    @staticmethod
    def listed(name: str) -> InputDevice:
        """The input PortAudio lists now under ``name`` (AssertionError when there is none)."""
        found = [device for device in list_input_devices() if device.name == name]
        assert found, f"no input {name!r} in {[device.name for device in list_input_devices()]}"
        return found[0]


def _pcm(name: str, failing: bool) -> str:
    """The ALSA definition of input ``name``: the server's default source, or (``failing``) one it does not have."""
    source = f'    device "{MISSING_SOURCE}"\n' if failing else ""
    return f"pcm.{name} {{\n    type pulse\n{source}}}\n"


@contextmanager
def alsa_inputs(folder: Path) -> Iterator[AlsaInputs]:
    """:class:`AlsaInputs` in ``folder`` for the block; then ALSA reads the usual configuration again and PortAudio
    is re-scanned, so that later tests see the usual list."""
    saved = os.environ.get(CONFIG_HOME)
    os.environ[CONFIG_HOME] = str(folder)
    try:
        yield AlsaInputs(folder)
    finally:
        if saved is None:
            os.environ.pop(CONFIG_HOME, None)
        else:
            os.environ[CONFIG_HOME] = saved
        refresh_devices()
