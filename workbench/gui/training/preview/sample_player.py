"""Play a preview sample's WAV on the default output device, without blocking, as the dataset builder plays a clip.

Why sounddevice and not the Live workspace (where the evaluation's Clips tab sends a clip): Live feeds a file to
the model, not to the speakers, and would replace the user's stream source; the preview is for *hearing* the 1 s
window the model trains on, beside its spectrogram. The clip builder's preview plays the same way
(:mod:`workbench.gui.datasets.clip_preview_view`).

The WAV is played at its own rate (the frontend's, which the preview wrote it at). PortAudio is asked to play
first and the device looked at only when it refuses, so its terse "Error querying device -1" becomes the sentence
a user understands.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core.audio.devices import sounddevice_module
from workbench.core.errors import AudioError, DeviceError
from workbench.gui.datasets.clip_preview_view import NO_OUTPUT_DEVICE, has_output_device

SAMPLE_TYPE = "int16"


def read_sample(path: Path) -> tuple[np.ndarray, int]:
    """The WAV's samples (int16) and rate; AudioError, one sentence, when it is gone or cannot be read."""
    try:
        samples, rate = sf.read(str(path), dtype=SAMPLE_TYPE)
    except (OSError, RuntimeError) as exc:  # soundfile's LibsndfileError is a RuntimeError
        reason = (str(exc).splitlines() or [type(exc).__name__])[0].rstrip(".")
        raise AudioError(f"{path.name} cannot be read: {reason}") from exc
    return samples, int(rate)


def play_sample(path: Path) -> None:
    """Start playing ``path``; DeviceError or AudioError, one sentence, when it cannot be played."""
    samples, rate = read_sample(path)
    sounddevice = sounddevice_module()
    try:
        sounddevice.play(samples, rate)
    except Exception as exc:  # PortAudio's errors: a sentence, never a traceback
        if not has_output_device(sounddevice):
            raise DeviceError(NO_OUTPUT_DEVICE) from exc
        raise DeviceError((str(exc).splitlines() or [type(exc).__name__])[0].rstrip(".")) from exc
