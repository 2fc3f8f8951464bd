"""All audio sources in one import: ``from workbench.core.audio import sources as audio_sources``.

The implementations live in small modules (one job each); this module is the stable place the
engine, CLI and GUI import from:

* :class:`AudioSource` — the interface (16 kHz mono int16, non-blocking ``read``, ``wait``, gain).
* :class:`MicrophoneSource` — PortAudio input through a lock-free ring.
* :class:`FileSource` — a WAV/FLAC/OGG/MP3 file or clip, real time or fast, with transport.
* :class:`SyntheticSource` — silence, noise or a tone.
* Device discovery: :func:`list_input_devices`, :func:`default_input_device`, :func:`refresh_devices`.
"""

from __future__ import annotations

from workbench.core.audio.devices import (
    InputDevice,
    default_input_device,
    list_input_devices,
    refresh_devices,
    resolve_input_device,
)
from workbench.core.audio.audio_file import AudioClip, load_audio, save_wav
from workbench.core.audio.source_base import (
    DELIVERY_RATE,
    AudioSource,
    GainMode,
    apply_gain,
    firmware_gain_factor,
)
from workbench.core.audio.file_source import FileSource
from workbench.core.audio.microphone_source import MicrophoneSource
from workbench.core.audio.synthetic_source import SyntheticSource

__all__ = [
    "DELIVERY_RATE",
    "AudioClip",
    "AudioSource",
    "FileSource",
    "GainMode",
    "InputDevice",
    "MicrophoneSource",
    "SyntheticSource",
    "apply_gain",
    "default_input_device",
    "firmware_gain_factor",
    "list_input_devices",
    "load_audio",
    "refresh_devices",
    "resolve_input_device",
    "save_wav",
]
