"""What every audio source promises the engine, and the volume gain they all apply.

Why a common interface: the engine/live session pulls audio the same way from a microphone, a file
played in real time or as fast as possible, and a synthetic generator, so a replay of a file and the
live microphone share one code path. Every source delivers 16 kHz mono int16 (``sample_rate``), never
blocks in ``read()`` and reports overflows the same way.

Volume gain (``gain``, ``gain_mode``):

* ``"firmware"`` reproduces the EFR32 audio feature generator (MLTK ``sl_ml_audio_feature_generation.c``,
  ``sli_ml_audio_feature_generation_audio_buffer_write_chunk``): the model's ``volume_gain`` is read into
  a C ``int`` (``static_cast<int>``, so 2.7 → 2 and 0.0 → 0), applied only when that integer is > 1, and
  each product is stored back into an ``int16_t`` *without saturation*, so loud samples wrap around
  (two's complement truncation, as the Cortex-M store does). Microphone sources default to this mode
  because the engine sets their gain from the model's ``volume_gain``, as the board does.
* ``"linear"`` (default for files and synthetic audio, and for a user's ``--gain``): any non-negative
  real factor, ``round(sample * gain)`` (half to even) clipped to the int16 range.

Every source counts the samples its gain pushed beyond int16 (``gain_overflows``): a clipped sample shows at full
scale, but a wrapped one lands anywhere, so without the count a level meter would call wrapped audio clean.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Literal

import numpy as np

from workbench.core.errors import SettingsError

DELIVERY_RATE = 16000  # every source delivers what the frontend and the board use
INT16_MIN = -32768
INT16_MAX = 32767
GAIN_MODES = ("linear", "firmware")
GainMode = Literal["linear", "firmware"]
FIRMWARE_MIN_APPLIED_GAIN = 2  # the firmware skips the multiply for an integer gain <= 1


def firmware_gain_factor(gain: float) -> int:
    """The integer multiplier the firmware actually uses for a ``volume_gain`` (1 = unchanged)."""
    factor = int(gain)  # C++ static_cast<int>: truncation toward zero
    return factor if factor >= FIRMWARE_MIN_APPLIED_GAIN else 1


def apply_gain(samples: np.ndarray, gain: float, mode: GainMode = "linear") -> np.ndarray:
    """Return ``samples`` (int16) scaled by ``gain`` in ``mode``; the input is returned as is for unity."""
    if mode == "firmware":
        factor = firmware_gain_factor(gain)
        if factor == 1:
            return samples
        # int32 product, then keep the low 16 bits: exactly the C store into int16_t
        return (samples.astype(np.int32) * factor).astype(np.int16)
    if gain == 1.0:
        return samples
    scaled = np.rint(samples.astype(np.float64) * gain)
    return np.clip(scaled, INT16_MIN, INT16_MAX).astype(np.int16)


def gain_overflow_count(samples: np.ndarray, gain: float, mode: GainMode = "linear") -> int:
    """How many int16 ``samples`` :func:`apply_gain` pushes beyond the int16 range (clipped at full scale in
    ``"linear"`` mode, wrapped around to the other sign in ``"firmware"`` mode); 0 for a gain that cannot."""
    if mode == "firmware":
        factor = firmware_gain_factor(gain)
        if factor == 1:
            return 0
        # x * factor fits in int16 exactly when -(32768 // factor) <= x <= 32767 // factor
        return int(np.count_nonzero((samples > INT16_MAX // factor) | (samples < -(-INT16_MIN // factor))))
    if gain <= 1.0:
        return 0
    scaled = np.rint(samples.astype(np.float64) * gain)
    return int(np.count_nonzero((scaled > INT16_MAX) | (scaled < INT16_MIN)))


def check_gain(gain: float) -> float:
    value = float(gain)
    if not math.isfinite(value) or value < 0:
        raise SettingsError(f"volume gain must be a finite number >= 0, got {gain}")
    return value


class AudioSource(ABC):
    """A stream of 16 kHz mono int16 samples, pulled by one consumer thread.

    Subclasses implement ``start``, ``stop``, ``wait`` and ``_read_raw``; ``read`` adds the gain.
    Transport/settings calls (``gain``, pause, seek...) may come from another (GUI) thread.
    """

    sample_rate: int = DELIVERY_RATE
    default_gain_mode: GainMode = "linear"

    def __init__(self, name: str) -> None:
        self.name = name
        self._gain = 1.0
        self._gain_mode: GainMode = self.default_gain_mode
        self.error: str | None = None  # set when a running stream died (read() then raises)
        self._gain_overflows = 0  # written by the reading thread only

    # -- gain -----------------------------------------------------------------------------------
    @property
    def gain(self) -> float:
        """Linear volume factor applied to delivered samples (see the module docstring)."""
        return self._gain

    @gain.setter
    def gain(self, value: float) -> None:
        self._gain = check_gain(value)

    @property
    def gain_mode(self) -> GainMode:
        return self._gain_mode

    @gain_mode.setter
    def gain_mode(self, mode: GainMode) -> None:
        if mode not in GAIN_MODES:
            raise SettingsError(f"gain mode must be one of {', '.join(GAIN_MODES)}, got {mode!r}")
        self._gain_mode = mode

    # -- stream ---------------------------------------------------------------------------------
    @abstractmethod
    def start(self) -> None:
        """Begin delivering samples (open the device, start the clock)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop producing; samples that already arrived can still be read."""

    @abstractmethod
    def wait(self, timeout_s: float) -> bool:
        """Block up to ``timeout_s`` until samples are available or the source finished; True if so."""

    @abstractmethod
    def _read_raw(self, max_samples: int | None) -> np.ndarray:
        """Up to ``max_samples`` int16 samples at 16 kHz, before gain; empty if none arrived."""

    def read(self, max_samples: int | None = None) -> np.ndarray:
        """Samples that have arrived (up to ``max_samples``), gain applied; never blocks."""
        if max_samples is not None and max_samples <= 0:
            return np.empty(0, np.int16)
        samples = self._read_raw(max_samples)
        gain, mode = self._gain, self._gain_mode  # one snapshot: the GUI thread may change them meanwhile
        self._gain_overflows += gain_overflow_count(samples, gain, mode)
        return apply_gain(samples, gain, mode)

    @property
    def gain_overflows(self) -> int:
        """Samples read so far that the gain pushed beyond int16 (clipped, or wrapped by the firmware gain)."""
        return self._gain_overflows

    @property
    def finished(self) -> bool:
        """True once a finite source delivered everything (a file that is not looping)."""
        return False

    @property
    def pending_samples(self) -> int:
        """Samples ready to be read now (the engine's lag, shown in the status bar)."""
        return 0

    @property
    def overflows(self) -> int:
        """Times audio was lost because the reader fell behind (or the driver reported an overrun)."""
        return 0

    @property
    def dropped_samples(self) -> int:
        """Samples known to be lost to overflows (16 kHz equivalent)."""
        return 0

    def __enter__(self) -> AudioSource:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
