"""Cut the spoken word out of a take and place it in a clip of the model's length, as a dataset clip.

Why: engines pad words with silence of their own making (Kokoro adds ~0.5 s, festival a little), and a
recording holds whatever came before and after the word. Speech Commands clips are one second with the
word somewhere inside at the speaker's own level, so each take is

1. trimmed by energy: 10 ms frames, speech is every frame within ``trim_db`` of the loudest one, plus
   a short pad on both sides (a word's soft onset and release are kept);
2. fitted: a word longer than the clip (minus margins) is sped up by resampling, at most
   ``max_speedup`` times, else the take is rejected (:class:`PlacementError`) rather than cut;
3. placed at a random offset with the margins kept free, at a random peak level (``peak_dbfs``);
   :func:`pcm16` makes the 16 kHz mono int16 the dataset stores.

The same trimming serves the guided recorder (:mod:`workbench.synthesis.take_check`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import soxr

from workbench.core.errors import WorkbenchError

SAMPLE_RATE = 16000
DEFAULT_SAMPLE_LENGTH = 16000
FRAME_S = 0.010
DEFAULT_TRIM_DB = 35.0
DEFAULT_PAD_S = 0.030
DEFAULT_MARGIN_S = 0.020
DEFAULT_MAX_SPEEDUP = 1.3
DEFAULT_PEAK_DBFS = (-20.0, -1.0)
INT16_FULL_SCALE = 32767.0
_POWER_FLOOR = 1e-12
_DB = 10.0


class PlacementError(WorkbenchError):
    """A take cannot become a clip: silent, or too long for the clip even when sped up."""


@dataclass(frozen=True)
class PlacementSettings:
    """How takes become clips (module docstring)."""

    sample_length: int = DEFAULT_SAMPLE_LENGTH
    sample_rate: int = SAMPLE_RATE
    trim_db: float = DEFAULT_TRIM_DB
    pad_s: float = DEFAULT_PAD_S
    margin_s: float = DEFAULT_MARGIN_S
    max_speedup: float = DEFAULT_MAX_SPEEDUP
    peak_dbfs: tuple[float, float] = DEFAULT_PEAK_DBFS

    @property
    def usable_length(self) -> int:
        return self.sample_length - 2 * int(round(self.margin_s * self.sample_rate))


@dataclass(frozen=True)
class PlacedWord:
    """A clip (float32 in [-1, 1], ``sample_length`` samples) and where the word is in it (samples)."""

    clip: npt.NDArray[np.float32]
    start: int
    end: int
    speedup: float


def speech_span(samples: npt.ArrayLike, sample_rate: int, trim_db: float = DEFAULT_TRIM_DB,
                pad_s: float = DEFAULT_PAD_S) -> tuple[int, int]:
    """(start, end) of the speech in ``samples`` (module docstring, step 1); (0, 0) when all is silent."""
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    frame = max(1, int(round(FRAME_S * sample_rate)))
    n_frames = x.size // frame + (1 if x.size % frame else 0)
    if n_frames == 0:
        return 0, 0
    padded = np.zeros(n_frames * frame)
    padded[:x.size] = x
    power = (padded.reshape(n_frames, frame) ** 2).mean(axis=1)
    loudest = float(power.max())
    if loudest <= _POWER_FLOOR:
        return 0, 0
    loud = np.flatnonzero(_DB * np.log10(np.maximum(power, _POWER_FLOOR) / loudest) > -trim_db)
    pad = int(round(pad_s * sample_rate))
    return max(0, int(loud[0]) * frame - pad), min(x.size, (int(loud[-1]) + 1) * frame + pad)


def trim_speech(samples: npt.ArrayLike, sample_rate: int, trim_db: float = DEFAULT_TRIM_DB,
                pad_s: float = DEFAULT_PAD_S) -> np.ndarray:
    start, end = speech_span(samples, sample_rate, trim_db, pad_s)
    return np.asarray(samples).reshape(-1)[start:end]


def place_word(audio: npt.ArrayLike, rng: np.random.Generator,
               settings: PlacementSettings = PlacementSettings()) -> PlacedWord:
    """Trim ``audio`` (float in [-1, 1] at ``settings.sample_rate``) and place it in a clip (module docstring)."""
    word = trim_speech(np.asarray(audio, dtype=np.float32), settings.sample_rate, settings.trim_db, settings.pad_s)
    peak = float(np.max(np.abs(word))) if word.size else 0.0
    if peak <= 0.0:
        raise PlacementError("The take is silent.")
    usable = settings.usable_length
    speedup = 1.0
    if word.size > usable:
        speedup = word.size / usable
        if speedup > settings.max_speedup:
            raise PlacementError(f"The word lasts {word.size / settings.sample_rate:.2f} s, too long for a "
                                 f"{settings.sample_length / settings.sample_rate:g} s clip.")
        word = np.asarray(soxr.resample(word, settings.sample_rate * speedup, settings.sample_rate), np.float32)
        word = word[:usable]
        peak = float(np.max(np.abs(word))) or peak
    low, high = settings.peak_dbfs
    target = 10.0 ** (float(rng.uniform(low, high)) / 20.0)
    margin = (settings.sample_length - usable) // 2
    start = margin + int(rng.integers(0, usable - word.size + 1))
    clip = np.zeros(settings.sample_length, dtype=np.float32)
    clip[start:start + word.size] = word * np.float32(target / peak)
    return PlacedWord(clip, start, start + word.size, speedup)


def pcm16(clip: npt.ArrayLike) -> npt.NDArray[np.int16]:
    """Float audio in [-1, 1] as int16 (rounded, clipped)."""
    x = np.asarray(clip, dtype=np.float64)
    return np.clip(np.round(x * INT16_FULL_SCALE), -INT16_FULL_SCALE - 1, INT16_FULL_SCALE).astype(np.int16)
