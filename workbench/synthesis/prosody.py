"""Varied rate and pitch for every voice, whatever its engine controls natively.

Why: a dataset of one voice saying a word the same way N times teaches the model one utterance. Each take
gets a rate (e.g. 0.8-1.25x) and a pitch shift (e.g. +-3 semitones). Engines that control both
(espeak-ng) get both. The others get the pitch by *resampling*: audio at rate ``sr`` declared as
``sr * f`` and converted to 16 kHz plays ``f`` times faster and ``f`` times higher, like tape speed. To keep
the asked rate, the engine is asked for ``rate / f`` first. A voice that ignores rate (festival's HTS
voice) gets the whole rate by resampling, and its pitch moves with it (its own pitch value is unused).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import soxr

from workbench.synthesis.engines.base import Speech, SpeakRequest, SpeechEngine, Voice

SEMITONES_PER_OCTAVE = 12.0
RESAMPLE_QUALITY = "HQ"


@dataclass(frozen=True)
class ProsodyPlan:
    """What to ask the engine for, and the tape-speed factor to apply to its output."""

    request: SpeakRequest
    speed_factor: float  # >1: played faster and higher


def pitch_factor(semitones: float) -> float:
    return float(2.0 ** (semitones / SEMITONES_PER_OCTAVE))


def plan_prosody(engine: SpeechEngine, voice: Voice, request: SpeakRequest) -> ProsodyPlan:
    """Split the request's rate and pitch between the engine and resampling (module docstring)."""
    follows_rate, follows_pitch = engine.follows_rate(voice), engine.follows_pitch(voice)
    if follows_pitch:
        rate = request.rate if follows_rate else 1.0
        factor = 1.0 if follows_rate else request.rate
        return ProsodyPlan(replace(request, rate=rate), factor)
    if follows_rate:
        factor = pitch_factor(request.pitch_semitones)
        return ProsodyPlan(replace(request, rate=request.rate / factor, pitch_semitones=0.0), factor)
    return ProsodyPlan(replace(request, rate=1.0, pitch_semitones=0.0), request.rate)


def resample_speech(speech: Speech, speed_factor: float, sample_rate: int) -> npt.NDArray[np.float32]:
    """``speech`` at ``sample_rate`` Hz, played ``speed_factor`` times faster (and higher)."""
    source_rate = float(speech.sample_rate) * float(speed_factor)
    samples = np.asarray(speech.samples, dtype=np.float32)
    if abs(source_rate - sample_rate) < 1e-6:
        return samples.copy()
    return np.asarray(soxr.resample(samples, source_rate, float(sample_rate), quality=RESAMPLE_QUALITY),
                      dtype=np.float32)
