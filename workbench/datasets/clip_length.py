"""Bring a clip to the model's sample length the way MLTK's audio data generator does: trim, then pad/crop.

Why copy this behaviour: a model trained with MLTK saw every clip *trimmed of silence and shifted*, not
as recorded. To evaluate (or train) like MLTK, a clip goes through the same two steps (MLTK
``audio_utils.adjust_length``, called by ``ParallelAudioDataGenerator.apply_transform``):

1. **Trim** leading and trailing silence as ``librosa.effects.trim(top_db=trim_db)`` does: RMS over
   2048-sample frames every 512 samples (frames centred, the clip zero-padded by 1024 on both sides),
   in dB relative to the loudest frame (power floored at 1e-10); frames above ``-trim_db`` are sound;
   keep from the first sound frame's start (``index * 512``) to one hop past the last sound frame
   (capped at the clip's end). ``trim_db`` 0 disables it. MLTK's tflite_micro_speech uses 20 dB.
2. **Fit**: longer clips are cropped, shorter ones padded with zeros; ``offset`` (0..1) places the
   crop window or splits the padding (``before = int(diff * offset)``). Evaluation/validation in MLTK
   uses the default transform, offset 0: the sound starts at the first sample and zeros follow.
   Faithful quirk: when the trimmed clip is exactly the target length, MLTK keeps the *untrimmed*
   clip's first samples instead.

Works on int16 samples directly: MLTK's float path (``int16 / 32768`` and back with ``* 32768``) is the
identity for unmodified clips, and dB ratios do not depend on the scale.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workbench.datasets.dataset_defaults import MLTK_TRIM_DB

TRIM_FRAME_LENGTH = 2048
TRIM_HOP_LENGTH = 512
POWER_FLOOR = 1e-10  # librosa amin (1e-5) squared, on full-scale-1.0 audio
INT16_SCALE = 32768.0
_DB_PER_DECADE = 10.0


def sound_span(samples: npt.ArrayLike, trim_db: float = MLTK_TRIM_DB) -> tuple[int, int]:
    """(start, end) of the part of the clip louder than ``-trim_db`` dB relative to its loudest frame."""
    x = np.asarray(samples, dtype=np.float64).reshape(-1)  # int16 values: the squares and sums are exact
    n = x.size
    if n == 0 or trim_db <= 0:
        return 0, n
    half = TRIM_FRAME_LENGTH // 2
    padded = np.pad(x, (half, half))
    n_frames = 1 + (padded.size - TRIM_FRAME_LENGTH) // TRIM_HOP_LENGTH
    squares = np.concatenate(([0.0], np.cumsum(padded * padded)))
    starts = np.arange(n_frames) * TRIM_HOP_LENGTH
    power = (squares[starts + TRIM_FRAME_LENGTH] - squares[starts]) / (TRIM_FRAME_LENGTH * INT16_SCALE**2)
    db = _DB_PER_DECADE * np.log10(np.maximum(POWER_FLOOR, power))
    db -= _DB_PER_DECADE * np.log10(max(POWER_FLOOR, float(power.max())))
    loud = np.flatnonzero(db > -trim_db)
    if loud.size == 0:
        return 0, 0
    return int(loud[0] * TRIM_HOP_LENGTH), min(n, int((loud[-1] + 1) * TRIM_HOP_LENGTH))


def fit_length(samples: npt.ArrayLike, length: int, *, offset: float = 0.0,
               trim_db: float = MLTK_TRIM_DB) -> npt.NDArray[np.int16]:
    """The clip trimmed and cropped/zero-padded to exactly ``length`` samples (module docstring)."""
    clip = np.asarray(samples).reshape(-1)
    start, end = sound_span(clip, trim_db)
    trimmed = clip[start:end]
    diff = trimmed.size - length
    if diff > 0:
        before = int(diff * offset)
        out = trimmed[before:before + length]
    elif diff < 0:
        before = int(-diff * offset)
        out = np.concatenate((np.zeros(before, clip.dtype), trimmed, np.zeros(-diff - before, clip.dtype)))
    else:
        out = clip[:length]
    return np.ascontiguousarray(out, dtype=np.int16)
