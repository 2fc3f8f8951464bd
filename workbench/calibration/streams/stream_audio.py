"""Signal helpers for building test streams: where a word is in its clip, how loud it is, noise beds.

Why measure the word rather than the clip: a Speech Commands clip is one second with the word
somewhere inside. A stream's labels must mark the word itself (matching and latency are measured from
its end), the gaps between words must be gaps between words, and a signal-to-noise ratio only means
something against the loudness of the speech, not of a clip that is half silence. The word is the
stretch of 10 ms frames within ``TRIM_TOP_DB`` of the loudest frame (the same idea as MLTK's training
trim, a little wider so soft endings such as the "s" of "yes" stay inside).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FRAME_S = 0.010
TRIM_TOP_DB = 25.0
SILENT_FLOOR = 1e-9  # energy floor so log10 of digital silence stays finite
FADE_S = 0.010  # fade at the cut edges of a placed clip: no clicks from cutting into noise
NOISE_SEGMENT_S = (4.0, 12.0)  # a noise bed is made of random stretches of the noise files
CROSSFADE_S = 0.050


@dataclass(frozen=True)
class SpokenPart:
    """Where the word is inside a clip (samples) and its RMS there (float scale, full scale = 1)."""

    start: int
    end: int
    rms: float
    peak: float


def to_float(samples: npt.NDArray[np.int16]) -> npt.NDArray[np.float32]:
    return np.asarray(samples, dtype=np.float32) / np.float32(32768.0)


def spoken_part(audio: npt.NDArray[np.float32], sample_rate: int) -> SpokenPart:
    """The loud part of ``audio`` (see the module docstring); the whole clip if it is all quiet."""
    frame = max(1, int(FRAME_S * sample_rate))
    n_frames = audio.size // frame
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if n_frames == 0:
        return SpokenPart(0, audio.size, float(np.sqrt(np.mean(audio ** 2))) if audio.size else 0.0, peak)
    energy = np.mean(audio[:n_frames * frame].reshape(n_frames, frame).astype(np.float64) ** 2, axis=1)
    level_db = 10.0 * np.log10(energy + SILENT_FLOOR)
    loud = np.flatnonzero(level_db >= level_db.max() - TRIM_TOP_DB)
    start, end = int(loud[0]) * frame, (int(loud[-1]) + 1) * frame
    rms = float(np.sqrt(np.mean(audio[start:end].astype(np.float64) ** 2)))
    return SpokenPart(start, end, rms, peak)


def faded(segment: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float32]:
    """``segment`` with short linear fades at both ends."""
    out = segment.astype(np.float32, copy=True)
    n = min(int(FADE_S * sample_rate), out.size // 2)
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)
        out[:n] *= ramp
        out[-n:] *= ramp[::-1]
    return out


def rms_of(audio: npt.NDArray[np.float32]) -> float:
    return float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) if audio.size else 0.0


def noise_bed(sources: list[npt.NDArray[np.float32]], n_samples: int, sample_rate: int,
              rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """``n_samples`` of noise at unit RMS: random stretches of random sources, cross-faded."""
    fade = max(1, int(CROSSFADE_S * sample_rate))
    usable = [s / rms_of(s) for s in sources if s.size > 4 * fade and rms_of(s) > 0]
    bed = np.zeros(n_samples, np.float32)
    if not usable:
        return bed
    ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
    start = 0
    while start < n_samples:
        source = usable[int(rng.integers(len(usable)))]
        length = min(int(rng.uniform(*NOISE_SEGMENT_S) * sample_rate), source.size)
        offset = int(rng.integers(0, source.size - length + 1))
        piece = source[offset:offset + length].astype(np.float32, copy=True)
        if start > 0:
            piece[:fade] *= ramp  # fades in while the previous stretch fades out
        piece[-fade:] *= ramp[::-1]
        end = min(n_samples, start + length)
        bed[start:end] += piece[:end - start]
        start += length - fade
    return bed


def level_envelope(boundaries: npt.NDArray[np.int64], levels: npt.NDArray[np.float64], start: int, stop: int,
                   ramp_samples: int) -> npt.NDArray[np.float32]:
    """Samples [start, stop) of a level that is ``levels[i]`` between ``boundaries[i-1]`` and
    ``boundaries[i]`` and ramps linearly over ``ramp_samples`` at each boundary."""
    if boundaries.size == 0:
        return np.full(stop - start, levels[0], np.float32)
    half = ramp_samples / 2.0
    xs = np.stack([boundaries - half, boundaries + half], axis=1).ravel()
    ys = np.stack([levels[:-1], levels[1:]], axis=1).ravel()
    return np.interp(np.arange(start, stop, dtype=np.float64), xs, ys).astype(np.float32)
