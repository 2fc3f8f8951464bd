"""Audio input devices as PortAudio (through ``sounddevice``) sees them.

Why a module of its own: the device list is needed without opening a stream (``kws devices``, the
GUI's device picker), and every failure mode here is an environment problem the user can fix, so it
must be one clear sentence: no PortAudio library, no input device, an unknown device name.

Hot-plug: PortAudio enumerates devices once, when it is initialised (sounddevice does that on import),
and never again, so a microphone plugged in later stays invisible. :func:`refresh_devices` terminates
and re-initialises PortAudio to enumerate again. Terminating PortAudio invalidates every open stream,
so it only does so when none of our streams is open (:class:`OpenStreamCount`, which
``MicrophoneSource`` maintains); otherwise it returns False and the old list stays. A stalled sound server
makes re-initialising block, so it runs as a bounded call (:mod:`~workbench.core.audio.portaudio_guard`).

Renumbering: PortAudio numbers the devices in the order it finds them, so after a re-scan an index may name another
input (one plugged in meanwhile took its number). A chosen input is therefore reopened by its
:class:`DeviceIdentity` (name and host API), never by the index it had when it was chosen.

Re-plugging: on Linux, PortAudio names an ALSA sound card with its card and device numbers ("USB Audio Device: -
(hw:1,0)"), and a USB microphone plugged into another port may come back as another card ("... (hw:2,0)"). Its
identity then finds it by the rest of its name when exactly one input on the same host API has it
(:func:`find_identity`); of two alike neither is taken: which one was chosen cannot be told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from workbench.core.audio.portaudio_guard import STALLED_HINT, OpenStreamCount, call_bounded, check_responsive
from workbench.core.errors import DeviceError

PORTAUDIO_HINT = "install it with `apt-get install libportaudio2` (Linux) or reinstall the sounddevice package"
NO_INPUT_FOUND = "no audio input device found"
NO_INPUT_MESSAGE = f"{NO_INPUT_FOUND}; pass a WAV file or plug in a microphone"  # the command line's remedy
REFRESH_TIMEOUT_S = 3.0  # re-enumerating takes ~30 ms; a stalled sound server makes it hang
# the card and device numbers PortAudio's ALSA host API puts at the end of a sound card's name: " (hw:1,0)"
ALSA_CARD_NUMBERS = re.compile(r" \(hw:\d+,\d+\)$")


class NoInputDeviceError(DeviceError):
    """There is no audio input at all (not: the one asked for is unknown or busy).

    Why a class: the remedy depends on the program. The message (:data:`NO_INPUT_MESSAGE`) says the command
    line's; the window catches this class and says what to do in the window instead."""

    reason = NO_INPUT_FOUND  # what is wrong, without the remedy (the window's retry says its own)


def sounddevice_module() -> ModuleType:
    """Import ``sounddevice``; a missing PortAudio library becomes a DeviceError with the fix."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError("PortAudio library not found")
        raise DeviceError(f"the PortAudio audio library is not available ({exc}); {PORTAUDIO_HINT}") from exc
    except ImportError as exc:
        raise DeviceError(f"the sounddevice package is not installed ({exc})") from exc
    return sounddevice


@dataclass(frozen=True)
class DeviceIdentity:
    """An input as it stays across re-scans: its name and host API.

    Why not the index: a re-scan renumbers the devices (see the module's docstring), and reopening "device 3" then
    listens to whatever input has that number now. ``last_index`` (where it was last listed) only tells apart two
    inputs of the same name and host API (two identical USB microphones); it takes no part in equality."""

    name: str
    host_api: str
    last_index: int | None = field(default=None, compare=False)

    def label(self) -> str:
        """One line for pickers and the status bar."""
        return f"{self.name} ({self.host_api})"


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    host_api: str
    max_input_channels: int
    default_samplerate: float
    is_default: bool

    @property
    def identity(self) -> DeviceIdentity:
        """What finds this input again after a re-scan (its index may then belong to another)."""
        return DeviceIdentity(self.name, self.host_api, self.index)

    def label(self) -> str:
        """One line for pickers and the status bar."""
        return self.identity.label()


def _portaudio_error(sd: ModuleType) -> type[BaseException]:
    return getattr(sd, "PortAudioError", RuntimeError)


def _default_input_index(sd: ModuleType) -> int | None:
    try:
        info: Any = sd.query_devices(kind="input")
    except (_portaudio_error(sd), ValueError):
        return None
    index = info.get("index") if isinstance(info, dict) else None
    return int(index) if index is not None and index >= 0 else None


def list_input_devices() -> list[InputDevice]:
    """Every device with at least one input channel, in PortAudio's order (may be empty)."""
    sd = sounddevice_module()
    check_responsive(during_reinit_only=True)  # PortAudio is half re-initialised on a stuck thread
    try:
        devices = sd.query_devices()
        host_apis = [str(api["name"]) for api in sd.query_hostapis()]
    except _portaudio_error(sd) as exc:
        raise DeviceError(f"cannot list audio devices: {exc}") from exc
    default = _default_input_index(sd)
    result = []
    for index, dev in enumerate(devices):
        if int(dev["max_input_channels"]) <= 0:
            continue
        api = int(dev["hostapi"])
        result.append(InputDevice(
            index=index,
            name=str(dev["name"]),
            host_api=host_apis[api] if 0 <= api < len(host_apis) else "?",
            max_input_channels=int(dev["max_input_channels"]),
            default_samplerate=float(dev["default_samplerate"]),
            is_default=index == default,
        ))
    return result


def default_input_device() -> InputDevice | None:
    """The device PortAudio opens when none is chosen, or None when there is no input at all."""
    return _default_of(list_input_devices())


def _default_of(devices: list[InputDevice]) -> InputDevice | None:
    """The default input among ``devices`` (the first one when none is marked default), or None when it is empty."""
    return next((dev for dev in devices if dev.is_default), devices[0] if devices else None)


def refresh_devices() -> bool:
    """Re-enumerate devices (hot-plug). Returns False, changing nothing, while a stream is open."""
    sd = sounddevice_module()
    if OpenStreamCount.value() > 0:
        return False
    try:
        call_bounded(lambda: _reinitialise(sd), REFRESH_TIMEOUT_S,
                     f"the audio system did not re-scan its devices within {REFRESH_TIMEOUT_S:g} s ({STALLED_HINT})",
                     reinitialises=True)
    except _portaudio_error(sd) as exc:
        raise DeviceError(f"cannot re-initialise the audio system: {exc}") from exc
    return True


def _reinitialise(sd: ModuleType) -> None:
    sd._terminate()  # sounddevice has no public re-scan; these pair with the import-time init
    sd._initialize()


def find_identity(devices: list[InputDevice], identity: DeviceIdentity) -> InputDevice:
    """The input in ``devices`` that is ``identity``: the one of its name and host API (of two alike, the one at
    its last index), else the only one that is its sound card under other card numbers (see the module's docstring).
    DeviceError when there is none, or several such: never another input, whatever number it has now."""
    alike = [dev for dev in devices if dev.identity == identity]
    if alike:
        return next((dev for dev in alike if dev.index == identity.last_index), alike[0])
    renumbered = _renumbered_cards(devices, identity)
    if len(renumbered) == 1:
        return renumbered[0]
    raise DeviceError(f"the audio input {identity.label()!r} is not connected")


def _renumbered_cards(devices: list[InputDevice], identity: DeviceIdentity) -> list[InputDevice]:
    """The inputs on ``identity``'s host API whose names are its name with other ALSA card numbers (none when its
    name has none: only a sound card's numbers change with the port it is plugged into)."""
    card = _without_card_numbers(identity.name)
    if card is None:
        return []
    return [dev for dev in devices if dev.host_api == identity.host_api and _without_card_numbers(dev.name) == card]


def _without_card_numbers(name: str) -> str | None:
    """``name`` without the ALSA card numbers it ends in (None: it ends in none)."""
    card, numbered = ALSA_CARD_NUMBERS.subn("", name)
    return card if numbered else None


def resolve_input_device(device: int | str | DeviceIdentity | None) -> InputDevice:
    """The input device meant by an identity, an index, an exact or unique partial name, or None (the default)."""
    return find_input(list_input_devices(), device)


def find_input(devices: list[InputDevice], device: int | str | DeviceIdentity | None) -> InputDevice:
    """The input in ``devices`` meant by ``device`` as :func:`resolve_input_device` takes it; DeviceError when none is.

    Why a list given: a picker finds a saved input in the list it shows (the GUI's Source panel pre-selects the
    input start-up opens, also one an earlier version saved by name or number) with the very rules start-up uses."""
    if isinstance(device, DeviceIdentity):
        return find_identity(devices, device)
    if device is None:
        found = _default_of(devices)
        if found is None:
            raise NoInputDeviceError(NO_INPUT_MESSAGE)
        return found
    if isinstance(device, int) or (isinstance(device, str) and device.strip().isdigit()):
        index = int(device)
        for dev in devices:
            if dev.index == index:
                return dev
        raise DeviceError(f"there is no audio input device number {index}; `kws devices` lists them")
    wanted = device.strip().casefold()
    exact = [dev for dev in devices if dev.name.casefold() == wanted]
    if exact:
        return exact[0]
    partial = [dev for dev in devices if wanted in dev.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = ", ".join(f"{d.index}: {d.name}" for d in partial)
        raise DeviceError(f"the device name {device!r} matches several inputs ({names}); pass its number")
    raise DeviceError(f"no audio input device named {device!r}; `kws devices` lists them")
