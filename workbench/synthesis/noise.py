"""Background noise for ``_background_noise_/``: white, pink, brown, mains hum and babble.

Why generate it: training mixes background noise under every clip and builds ``_silence_`` samples from
it (MLTK's rules), so a synthetic dataset needs some, and these five cover the usual cases without any
recording: broadband hiss (white), the 1/f spectrum of most rooms and fans (pink), rumble (brown, 1/f^2),
50/60 Hz mains hum with harmonics, and the murmur of several voices at once (babble; made from
synthesised words by the builder, mixed here). Coloured noise is shaped in the frequency domain, so its
spectrum is exact. Levels are RMS in dBFS (Speech Commands' own white/pink files are at -9.6 dBFS;
training scales noise down further).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import numpy.typing as npt

DEFAULT_NOISE_DBFS = -20.0
HUM_DBFS = -26.0
HUM_HARMONICS = 6
MAINS_HZ = (50.0, 60.0)
BABBLE_GAP_S = (0.05, 0.4)
_DB = 20.0
_MIN_HZ = 20.0  # below this, pink and brown noise are flattened (no DC drift)

NOISE_KINDS = ("white", "pink", "brown", "hum_50hz", "hum_60hz", "babble")


def at_level(x: npt.ArrayLike, rms_dbfs: float) -> npt.NDArray[np.float32]:
    """``x`` scaled to an RMS of ``rms_dbfs`` (silence stays silence), clipped to [-1, 1]."""
    y = np.asarray(x, dtype=np.float64)
    rms = float(np.sqrt(np.mean(y * y))) if y.size else 0.0
    if rms > 0.0:
        y = y * (10.0 ** (rms_dbfs / _DB) / rms)
    return np.clip(y, -1.0, 1.0).astype(np.float32)


def coloured_noise(n: int, exponent: float, sample_rate: int, rng: np.random.Generator,
                   rms_dbfs: float = DEFAULT_NOISE_DBFS) -> npt.NDArray[np.float32]:
    """Noise whose power falls as 1/f**exponent (0 white, 1 pink, 2 brown), at ``rms_dbfs``."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    shape = np.maximum(freqs, _MIN_HZ) ** (-exponent / 2.0)
    shape[0] = 0.0  # no DC
    return at_level(np.fft.irfft(spectrum * shape, n), rms_dbfs)


def mains_hum(n: int, mains_hz: float, sample_rate: int, rng: np.random.Generator,
              rms_dbfs: float = HUM_DBFS) -> npt.NDArray[np.float32]:
    """``mains_hz`` and its harmonics with random amplitudes and phases, a little hiss, at ``rms_dbfs``."""
    t = np.arange(n) / sample_rate
    hum = np.zeros(n)
    for k in range(1, HUM_HARMONICS + 1):
        amplitude = rng.uniform(0.2, 1.0) / k
        hum += amplitude * np.sin(2 * np.pi * mains_hz * k * t + rng.uniform(0, 2 * np.pi))
    hum += 0.02 * rng.standard_normal(n)
    return at_level(hum, rms_dbfs)


def babble(utterances: Sequence[npt.ArrayLike], n: int, talkers: int, sample_rate: int,
           rng: np.random.Generator, rms_dbfs: float = DEFAULT_NOISE_DBFS) -> npt.NDArray[np.float32]:
    """``talkers`` tracks of utterances (float, at ``sample_rate``) one after another with short gaps, summed."""
    words = [np.asarray(u, dtype=np.float64) for u in utterances if np.asarray(u).size]
    mix = np.zeros(n)
    if not words:
        return mix.astype(np.float32)
    for _ in range(max(1, talkers)):
        track = np.zeros(n)
        position = int(rng.integers(0, sample_rate))
        gain = rng.uniform(0.5, 1.0)
        while position < n:
            word = words[int(rng.integers(len(words)))]
            peak = float(np.max(np.abs(word))) or 1.0
            end = min(n, position + word.size)
            track[position:end] += word[:end - position] * (gain / peak)
            position = end + int(rng.uniform(*BABBLE_GAP_S) * sample_rate)
        mix += track
    return at_level(mix, rms_dbfs)


def generated_noise(kind: str, seconds: float, sample_rate: int, rng: np.random.Generator
                    ) -> npt.NDArray[np.float32]:
    """One of the generated kinds (not babble, which needs speech): white, pink, brown, hum_50hz, hum_60hz."""
    n = int(round(seconds * sample_rate))
    if kind == "white":
        return coloured_noise(n, 0.0, sample_rate, rng)
    if kind == "pink":
        return coloured_noise(n, 1.0, sample_rate, rng)
    if kind == "brown":
        return coloured_noise(n, 2.0, sample_rate, rng)
    if kind == "hum_50hz":
        return mains_hum(n, MAINS_HZ[0], sample_rate, rng)
    if kind == "hum_60hz":
        return mains_hum(n, MAINS_HZ[1], sample_rate, rng)
    raise ValueError(f"not a generated noise kind: {kind}")
