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
USABLE_NOISE_FADES = 4  # a noise file shorter than this many cross-fades (0.2 s) gives the bed nothing


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


def crossfade_samples(sample_rate: int) -> int:
    return max(1, int(CROSSFADE_S * sample_rate))


def is_usable_noise(samples: npt.NDArray[np.float32], sample_rate: int) -> bool:
    """Whether a noise bed can draw stretches from ``samples``: longer than four cross-fades, and not silent."""
    return samples.size > USABLE_NOISE_FADES * crossfade_samples(sample_rate) and rms_of(samples) > 0


class NoiseBed:
    """Noise at unit RMS, made a block at a time and in order: random stretches of random sources, cross-faded.

    Why by blocks: a stream of an hour is 58 M samples; its bed is only ever needed a block at a time, as the
    mix is written. The stretches and their random draws are exactly those of one whole-length bed, so the
    samples do not depend on the block sizes asked for.
    """

    def __init__(self, sources: list[npt.NDArray[np.float32]], n_samples: int, sample_rate: int,
                 rng: np.random.Generator) -> None:
        self._fade = crossfade_samples(sample_rate)
        self._usable = [s / rms_of(s) for s in sources if is_usable_noise(s, sample_rate)]
        self._ramp = np.linspace(0.0, 1.0, self._fade, endpoint=False, dtype=np.float32)
        self._n_samples, self._sample_rate, self._rng = n_samples, sample_rate, rng
        self._next_start = 0  # where the next stretch begins
        self._done = 0  # samples already read
        self._pending = np.zeros(0, np.float32)  # samples from ``_done`` on, stretches already added

    def read(self, count: int) -> npt.NDArray[np.float32]:
        """The next ``count`` samples (fewer at the end of the bed)."""
        stop = min(self._n_samples, self._done + count)
        while self._usable and self._next_start < stop:
            self._add_stretch()
        n = stop - self._done
        out = np.zeros(n, np.float32)
        have = min(n, self._pending.size)
        out[:have] = self._pending[:have]
        self._pending = self._pending[have:]
        self._done = stop
        return out

    def _add_stretch(self) -> None:
        source = self._usable[int(self._rng.integers(len(self._usable)))]
        length = min(int(self._rng.uniform(*NOISE_SEGMENT_S) * self._sample_rate), source.size)
        offset = int(self._rng.integers(0, source.size - length + 1))
        piece = source[offset:offset + length].astype(np.float32, copy=True)
        start, fade = self._next_start, self._fade
        if start > 0:
            piece[:fade] *= self._ramp  # fades in while the previous stretch fades out
        piece[-fade:] *= self._ramp[::-1]
        end = min(self._n_samples, start + length)
        if self._pending.size < end - self._done:
            self._pending = np.concatenate([self._pending, np.zeros(end - self._done - self._pending.size,
                                                                    np.float32)])
        self._pending[start - self._done:end - self._done] += piece[:end - start]
        self._next_start = start + length - fade

