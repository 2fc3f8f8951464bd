"""Judge a recorded take of a keyword and cut it to a dataset clip: keep it, or say why to say it again.

Why: a guided recording session asks a person for N takes of each word. A take that clipped (too close
to the microphone), that holds no speech (spoken too early, too softly, or the mic muted), that is too
short to be a word or too long for the model's clip would teach the model noise; the person should hear
at once that the take was rejected, why, and retake it.

A take from the microphone has been through the model's ``volume_gain``, as the board applies it (the take is
what the model heard, so training on it or replaying it reaches the model at its live level), and the firmware's
gain wraps a sample it pushes beyond int16 around instead of clipping it: a take peaking at -0 dBFS without a
sample at full scale may be overloaded all the same. Such samples are counted by the source (``gain_overflows``)
and judged as clipped ones, else a wrapped take would be kept and teach the model the wrapped sound.

The word is found by energy (:func:`~workbench.synthesis.clip_placement.speech_span`, relative to the
loudest 10 ms) and the clip is the ``sample_length`` window centred on it, cut from the recording itself:
the room's own noise around the word is kept (a real clip, not a word on digital silence). Only a
recording shorter than the clip is padded with zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbench.synthesis.clip_placement import speech_span

INT16_MAX = 32767
CLIP_LEVEL = 32700  # a sample this close to full scale was (nearly) clipped
DEFAULT_MAX_CLIPPED = 8  # more clipped samples than this: rejected
DEFAULT_MIN_PEAK_DBFS = -40.0
DEFAULT_MIN_SPEECH_S = 0.12
DEFAULT_TRIM_DB = 30.0
_DB = 20.0


@dataclass(frozen=True)
class TakeRules:
    """When a take is rejected (module docstring)."""

    sample_length: int = 16000
    sample_rate: int = 16000
    max_clipped_samples: int = DEFAULT_MAX_CLIPPED
    min_peak_dbfs: float = DEFAULT_MIN_PEAK_DBFS
    min_speech_s: float = DEFAULT_MIN_SPEECH_S
    trim_db: float = DEFAULT_TRIM_DB


@dataclass(frozen=True)
class TakeVerdict:
    """``ok`` and the clip to save, or the reason to retake; the measurements either way."""

    ok: bool
    reason: str
    clip: npt.NDArray[np.int16] | None
    peak_dbfs: float
    speech_s: float
    clipped_samples: int  # at full scale, plus those the gain pushed beyond it (``gain_overflows``)


def peak_dbfs(samples: npt.ArrayLike) -> float:
    x = np.asarray(samples)
    peak = int(np.max(np.abs(x.astype(np.int32)))) if x.size else 0
    return _DB * float(np.log10(peak / INT16_MAX)) if peak else float("-inf")


def centred_window(samples: npt.NDArray[np.int16], start: int, end: int, length: int) -> npt.NDArray[np.int16]:
    """``length`` samples of ``samples`` centred on ``[start, end)``, shifted to stay inside; zero-padded
    only when the recording is shorter than ``length``."""
    if samples.size <= length:
        before = (length - samples.size) // 2
        return np.concatenate((np.zeros(before, np.int16), samples,
                               np.zeros(length - samples.size - before, np.int16)))
    first = (start + end) // 2 - length // 2
    first = min(max(first, 0), samples.size - length)
    return np.ascontiguousarray(samples[first:first + length])


def check_take(samples: npt.ArrayLike, rules: TakeRules = TakeRules(), gain_overflows: int = 0) -> TakeVerdict:
    """Accept or reject a take (int16 mono at ``rules.sample_rate``) and cut its clip (module docstring);
    ``gain_overflows``: samples of it the source's volume gain pushed beyond int16 (wrapped, not at full scale)."""
    x = np.asarray(samples, dtype=np.int16).reshape(-1)
    clipped = int(np.count_nonzero(np.abs(x.astype(np.int32)) >= CLIP_LEVEL)) + gain_overflows
    level = peak_dbfs(x)
    start, end = speech_span(x.astype(np.float32), rules.sample_rate, rules.trim_db, pad_s=0.0)
    speech_s = (end - start) / rules.sample_rate

    def verdict(ok: bool, reason: str, clip: npt.NDArray[np.int16] | None = None) -> TakeVerdict:
        return TakeVerdict(ok, reason, clip, level, speech_s, clipped)

    if x.size == 0 or level == float("-inf"):
        return verdict(False, "nothing was recorded (silence): check the microphone and say the word after the "
                       "countdown")
    if clipped > rules.max_clipped_samples:
        how = " or pushed beyond full scale by the volume gain" if gain_overflows else ""
        return verdict(False, f"too loud: {clipped} samples clipped{how}; speak further from the microphone")
    if level < rules.min_peak_dbfs:
        return verdict(False, f"too quiet (peak {level:.0f} dBFS): speak up or move closer")
    if speech_s < rules.min_speech_s:
        return verdict(False, f"too short ({speech_s:.2f} s): say the whole word")
    if end - start > rules.sample_length:
        return verdict(False, f"too long ({speech_s:.2f} s) for a {rules.sample_length / rules.sample_rate:g} s "
                       "clip: say it a little faster, alone")
    return verdict(True, f"kept: {speech_s:.2f} s of speech, peak {level:.0f} dBFS",
                   centred_window(x, start, end, rules.sample_length))
