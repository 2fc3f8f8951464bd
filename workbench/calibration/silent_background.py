"""Background-only recordings that are digital silence: hours that lower FA/h while testing nothing.

Why a warning: every second of ``--background`` audio is in the hours that false accepts per hour divide by
(``kws calibrate``'s FA/h and ``kws detect --background``'s alike), so a recording of a muted input, or a file of
zeros, makes the figure look better while the model heard nothing it could mistake for a keyword. It is not refused:
the figures are still right for what was given, and the remedy -- leave it out -- is the user's to take.

What counts as silent: every sample the model hears (int16 at its rate, ``--gain`` applied) at or below
:data:`SILENT_PEAK_DBFS`, which an int16 sample only is when it is 0 or ±1 (one step is -90.3 dBFS): an all-zero
file, a muted input, or one whose only signal is the rounding or dither of the last bit. The peak, not the RMS, and
so low a level, so that no real room is flagged: a microphone's and its preamp's own noise alone reach tens of
steps (-70 to -60 dBFS), the quietest room recorded at the lowest gain far above one step. Judged on what the model
hears, not on the file: a 24-bit or float file whose signal is below one int16 step reaches the model as zeros too.
A recording silent but for a click or two is not caught: its peak is the click's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workbench.calibration.replay import recording_duration_s
from workbench.core.audio.audio_file import INT16_SCALE
from workbench.core.audio.decibels import amplitude_ratio
from workbench.core.wording import audio_length

SILENT_PEAK_DBFS = -90.0  # the module docstring: at or below it an int16 sample is 0 or ±1


def is_digital_silence(samples: npt.NDArray[np.int16]) -> bool:
    """Whether no sample of ``samples`` (int16 as the model hears them) rises above :data:`SILENT_PEAK_DBFS`."""
    if samples.size == 0:
        return True
    peak = max(int(samples.max()), -int(samples.min()))  # in int: -(-32768) overflows int16
    return peak <= INT16_SCALE * amplitude_ratio(SILENT_PEAK_DBFS)


def silent_background_warning(name: str, samples: npt.NDArray[np.int16], sample_rate: int) -> str | None:
    """One sentence naming the background recording ``name`` and the minutes it adds to FA/h's hours when its
    ``samples`` (as the model hears them, at ``sample_rate``) are digital silence; None when they are not."""
    if not is_digital_silence(samples):
        return None
    length = audio_length(recording_duration_s(samples, sample_rate))
    return (f"the background recording {name} is digital silence as the model hears it (no sample above "
            f"{SILENT_PEAK_DBFS:g} dBFS): its {length} count in the hours false accepts per hour divide by "
            "while testing nothing, which lowers the FA/h; leave it out of --background")
