"""Make a clean synthetic clip sound recorded: a room, a microphone, a noise floor.

Why: text-to-speech output is dry, full-band and sits on digital silence; Speech Commands clips were
recorded by thousands of people on phones and laptops in real rooms. A model trained on the former
learns cues the latter do not have. Each effect is applied with a probability, with random parameters
(seeded per clip, so a dataset is reproducible):

* **room**: convolution with a synthetic impulse response (a direct path plus an exponentially decaying
  noise tail with a random RT60 and direct-to-reverberant ratio);
* **microphone**: a zero-phase band-pass with random corners (a cheap laptop mic has little below
  ~200 Hz; browser and phone recordings such as Speech Commands' keep most of the band up to 8 kHz, so
  the low-pass stays above 4.5 kHz) and a gentle random spectral tilt;
* **noise floor**: pink noise at a random low level under the whole clip (the hiss of a real input).

All in the frequency domain with numpy (no SciPy). ``RoomSettings.off()`` leaves clips untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbench.synthesis.noise import coloured_noise

_DECAY_60_DB = np.log(1000.0)  # amplitude falls 60 dB (x1000) over RT60
_DB = 20.0


@dataclass(frozen=True)
class RoomSettings:
    """Probabilities and ranges of the effects (module docstring)."""

    room_probability: float = 0.6
    rt60_s: tuple[float, float] = (0.15, 0.6)
    direct_to_reverb_db: tuple[float, float] = (0.0, 12.0)
    mic_probability: float = 0.7
    highpass_hz: tuple[float, float] = (50.0, 250.0)
    lowpass_hz: tuple[float, float] = (4500.0, 7800.0)
    tilt_db_per_octave: tuple[float, float] = (-2.0, 2.0)
    noise_probability: float = 0.8
    noise_floor_dbfs: tuple[float, float] = (-72.0, -50.0)

    @classmethod
    def off(cls) -> "RoomSettings":
        return cls(room_probability=0.0, mic_probability=0.0, noise_probability=0.0)

    @property
    def enabled(self) -> bool:
        return max(self.room_probability, self.mic_probability, self.noise_probability) > 0.0


def _reverb(x: np.ndarray, sample_rate: int, rng: np.random.Generator, settings: RoomSettings) -> np.ndarray:
    rt60 = float(rng.uniform(*settings.rt60_s))
    n = int(rt60 * sample_rate)
    t = np.arange(n) / sample_rate
    tail = rng.standard_normal(n) * np.exp(-_DECAY_60_DB * t / rt60)
    tail[0] = 0.0
    drr = 10.0 ** (float(rng.uniform(*settings.direct_to_reverb_db)) / _DB)
    tail *= 1.0 / (drr * float(np.sqrt(np.sum(tail * tail))) or 1.0)
    ir = np.concatenate(([1.0], tail[1:]))
    size = x.size + ir.size - 1
    fft_size = 1 << (size - 1).bit_length()
    wet = np.fft.irfft(np.fft.rfft(x, fft_size) * np.fft.rfft(ir, fft_size), fft_size)[:x.size]
    peak_in, peak_out = float(np.max(np.abs(x))), float(np.max(np.abs(wet)))
    return wet * (peak_in / peak_out) if peak_out > 0 else wet


def _microphone(x: np.ndarray, sample_rate: int, rng: np.random.Generator, settings: RoomSettings) -> np.ndarray:
    freqs = np.fft.rfftfreq(x.size, 1.0 / sample_rate)
    f = np.maximum(freqs, 1.0)
    high = float(rng.uniform(*settings.highpass_hz))
    low = float(rng.uniform(*settings.lowpass_hz))
    response = (f / high) ** 2 / np.sqrt(1.0 + (f / high) ** 4)  # 2nd-order high-pass magnitude
    response /= np.sqrt(1.0 + (f / low) ** 4)  # 2nd-order low-pass magnitude
    tilt = float(rng.uniform(*settings.tilt_db_per_octave))
    response *= 10.0 ** (tilt * np.log2(f / 1000.0) / _DB)
    response[0] = 0.0
    y = np.fft.irfft(np.fft.rfft(x) * response, x.size)
    peak_in, peak_out = float(np.max(np.abs(x))), float(np.max(np.abs(y)))
    return y * (peak_in / peak_out) if peak_out > 0 else y


def apply_room(clip: npt.ArrayLike, sample_rate: int, rng: np.random.Generator,
               settings: RoomSettings) -> npt.NDArray[np.float32]:
    """``clip`` (float in [-1, 1]) through the effects drawn for it; same length, peak level kept."""
    x = np.asarray(clip, dtype=np.float64).copy()
    if not x.size or not settings.enabled:
        return x.astype(np.float32)
    if rng.random() < settings.room_probability:
        x = _reverb(x, sample_rate, rng, settings)
    if rng.random() < settings.mic_probability:
        x = _microphone(x, sample_rate, rng, settings)
    if rng.random() < settings.noise_probability:
        level = float(rng.uniform(*settings.noise_floor_dbfs))
        x = x + coloured_noise(x.size, 1.0, sample_rate, rng, rms_dbfs=level)
    return np.clip(x, -1.0, 1.0).astype(np.float32)
