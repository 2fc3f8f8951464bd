"""Signal operations behind data augmentation: trim, place, stretch, shift pitch (numpy + soxr).

Why our own: MLTK uses librosa for these, which would pull numba, scipy and scikit-learn into the
workbench. The operations are small, and following librosa's definitions keeps MLTK's semantics:

* :func:`trim_silence` is ``librosa.effects.trim(y, top_db)`` (frame 2048, hop 512, centred RMS
  frames, dB relative to the loudest frame): leading and trailing frames quieter than ``top_db``
  below the peak are cut.
* :func:`fit_length` is MLTK's ``adjust_length``: trim, then pad with zeros (``offset`` of the missing
  length before, the rest after) or crop (``offset`` of the excess cut from the start).
* :func:`time_stretch` is a phase vocoder (``librosa.effects.time_stretch``): tempo changes by
  ``rate``, pitch is kept. :func:`pitch_shift` stretches by the pitch ratio and resamples back
  (``librosa.effects.pitch_shift``): pitch moves by ``semitones``, duration is kept.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import soxr

TRIM_FRAME_LENGTH = 2048
TRIM_HOP_LENGTH = 512
POWER_FLOOR = 1e-10  # librosa's amin for power_to_db
STFT_SIZE = 512
STFT_HOP = 128
SEMITONES_PER_OCTAVE = 12.0

FloatArray = npt.NDArray[np.float32]


def trim_silence(audio: FloatArray, top_db: float) -> FloatArray:
    """``audio`` without leading/trailing frames ``top_db`` dB below its loudest frame."""
    if audio.size == 0:
        return audio
    pad = TRIM_FRAME_LENGTH // 2
    padded = np.pad(audio.astype(np.float64), pad)
    n_frames = 1 + (padded.size - TRIM_FRAME_LENGTH) // TRIM_HOP_LENGTH
    if n_frames <= 0:
        return audio
    squares = np.concatenate(([0.0], np.cumsum(padded * padded)))
    starts = np.arange(n_frames) * TRIM_HOP_LENGTH
    mse = (squares[starts + TRIM_FRAME_LENGTH] - squares[starts]) / TRIM_FRAME_LENGTH
    power_db = 10.0 * np.log10(np.maximum(mse, POWER_FLOOR))
    reference_db = 10.0 * np.log10(max(float(mse.max()), POWER_FLOOR))
    loud = np.flatnonzero(power_db - reference_db > -top_db)
    if loud.size == 0:
        return audio[:0]
    start = int(loud[0]) * TRIM_HOP_LENGTH
    end = min(audio.size, (int(loud[-1]) + 1) * TRIM_HOP_LENGTH)
    return audio[start:end]


def fit_length(audio: FloatArray, length: int, offset: float, trim_db: float | None) -> FloatArray:
    """Trim (when ``trim_db``), then pad or crop to ``length`` samples placing the sound at ``offset``."""
    trimmed = trim_silence(audio, trim_db) if trim_db else audio
    if trimmed.size == length:
        return trimmed
    return place(trimmed, length, placement_start(trimmed.size, length, offset))


def placement_start(size: int, length: int, offset: float) -> int:
    """Where :func:`fit_length` puts a sound of ``size`` samples in ``length``: ``offset`` of the
    missing length before it, or (negative) ``offset`` of the excess cut from its start."""
    if size > length:
        return -int((size - length) * offset)
    return int((length - size) * offset)


def place(audio: FloatArray, length: int, start: int) -> FloatArray:
    """``length`` samples of silence with ``audio`` starting at ``start`` (parts outside are cut off)."""
    out = np.zeros(length, dtype=np.float32)
    first, last = max(start, 0), min(start + audio.size, length)
    if first < last:
        out[first:last] = audio[first - start:last - start]
    return out


def _stft(audio: np.ndarray) -> np.ndarray:
    window = np.hanning(STFT_SIZE + 1)[:-1]
    padded = np.pad(audio, STFT_SIZE // 2)
    n_frames = 1 + (padded.size - STFT_SIZE) // STFT_HOP
    idx = np.arange(STFT_SIZE)[None, :] + STFT_HOP * np.arange(n_frames)[:, None]
    return np.fft.rfft(padded[idx] * window, axis=1)


def _istft(frames: np.ndarray, length: int) -> np.ndarray:
    window = np.hanning(STFT_SIZE + 1)[:-1]
    pieces = np.fft.irfft(frames, n=STFT_SIZE, axis=1) * window
    total = STFT_SIZE + STFT_HOP * (len(frames) - 1)
    idx = np.arange(STFT_SIZE)[None, :] + STFT_HOP * np.arange(len(frames))[:, None]
    out = np.bincount(idx.ravel(), weights=pieces.ravel(), minlength=total)
    norm = np.bincount(idx.ravel(), weights=np.broadcast_to(window * window, idx.shape).ravel(),
                       minlength=total)
    out /= np.maximum(norm, POWER_FLOOR)
    start = STFT_SIZE // 2
    result = out[start:start + length]
    if result.size < length:
        result = np.pad(result, (0, length - result.size))
    return result


def time_stretch(audio: FloatArray, rate: float) -> FloatArray:
    """Play ``rate`` times faster (>1 shorter) with the pitch unchanged (phase vocoder)."""
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")
    if rate == 1.0 or audio.size < STFT_SIZE:
        return audio
    spec = _stft(audio.astype(np.float64))
    steps = np.arange(0, len(spec), rate)
    expected = 2 * np.pi * STFT_HOP * np.arange(spec.shape[1]) / STFT_SIZE
    padded = np.vstack([spec, np.zeros((2, spec.shape[1]), dtype=spec.dtype)])
    index = steps.astype(np.int64)
    frac = (steps - index)[:, None]
    left, right = padded[index], padded[index + 1]
    magnitude = (1 - frac) * np.abs(left) + frac * np.abs(right)
    delta = np.angle(right) - np.angle(left) - expected
    delta -= 2 * np.pi * np.round(delta / (2 * np.pi))
    advance = np.cumsum(expected + delta, axis=0)
    phase = np.angle(spec[0]) + np.vstack([np.zeros((1, spec.shape[1])), advance[:-1]])
    length = int(round(audio.size / rate))
    return _istft(magnitude * np.exp(1j * phase), length).astype(np.float32)


def pitch_shift(audio: FloatArray, semitones: float, sample_rate: int) -> FloatArray:
    """Raise (or lower, when negative) the pitch by ``semitones`` keeping the duration."""
    return stretch_and_shift(audio, 1.0, semitones, sample_rate)


def stretch_and_shift(audio: FloatArray, speed: float, semitones: float, sample_rate: int) -> FloatArray:
    """``time_stretch(audio, speed)`` then ``pitch_shift(.., semitones)`` in one vocoder pass.

    A pitch shift is a stretch by the pitch ratio followed by resampling back; the two stretches
    combine into one (rate ``speed / ratio``), which halves the cost of augmenting with both.
    """
    if semitones == 0:
        return time_stretch(audio, speed)
    if audio.size < STFT_SIZE:
        return audio
    ratio = 2.0 ** (semitones / SEMITONES_PER_OCTAVE)
    target = int(round(audio.size / speed))
    stretched = time_stretch(audio, speed / ratio)  # longer by `ratio` for a higher pitch
    resampled = soxr.resample(stretched, sample_rate * ratio, sample_rate)
    if resampled.size >= target:
        return resampled[:target].astype(np.float32)
    return np.pad(resampled, (0, target - resampled.size)).astype(np.float32)
