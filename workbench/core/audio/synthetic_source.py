"""Silence, white noise or a sine tone as an audio source, for demos, self-tests and tests.

Why: the GUI and engine can be exercised (levels, clipping display, overflow counters, a "silence
gives _silence_" check) on a machine with no microphone and no files. Levels use the AES17
convention: a full-scale sine is 0 dBFS, so a tone at ``level_dbfs`` has peak ``32767 * 10^(L/20)``
and noise at the same level has the same RMS as that tone.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from workbench.core.audio.source_base import DELIVERY_RATE, INT16_MAX, INT16_MIN
from workbench.core.errors import SettingsError
from workbench.core.audio.paced_source import DEFAULT_CHUNK_MS, PacedSource

SyntheticKind = Literal["silence", "noise", "tone"]
KINDS = ("silence", "noise", "tone")
FULL_SCALE = float(INT16_MAX)
SINE_RMS_FACTOR = 1.0 / math.sqrt(2.0)  # RMS of a unit-peak sine
MAX_LEVEL_DBFS = 0.0
DEFAULT_SEED = 0


class SyntheticSource(PacedSource):
    """Generated audio; endless unless ``seconds`` is given."""

    def __init__(self, kind: SyntheticKind = "silence", level_dbfs: float = -20.0, frequency_hz: float = 1000.0,
                 seconds: float | None = None, realtime: bool = True, chunk_ms: int = DEFAULT_CHUNK_MS,
                 seed: int = DEFAULT_SEED) -> None:
        if kind not in KINDS:
            raise SettingsError(f"synthetic audio kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if not (math.isfinite(level_dbfs) and level_dbfs <= MAX_LEVEL_DBFS):
            raise SettingsError(f"level must be at most {MAX_LEVEL_DBFS} dBFS, got {level_dbfs}")
        if kind == "tone" and not (0 < frequency_hz < DELIVERY_RATE / 2):
            raise SettingsError(f"tone frequency must be between 0 and {DELIVERY_RATE // 2} Hz, got {frequency_hz}")
        if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
            raise SettingsError(f"duration must be a non-negative number of seconds, got {seconds}")
        self.kind: SyntheticKind = kind
        self.level_dbfs = float(level_dbfs)
        self.frequency_hz = float(frequency_hz)
        self._peak = FULL_SCALE * 10.0 ** (self.level_dbfs / 20.0)
        self._rng = np.random.default_rng(seed)
        length = None if seconds is None else round(seconds * DELIVERY_RATE)
        label = "silence" if kind == "silence" else (
            f"{kind} {self.level_dbfs:g} dBFS" + (f" {self.frequency_hz:g} Hz" if kind == "tone" else ""))
        super().__init__(f"synthetic {label}", length, realtime=realtime, chunk_ms=chunk_ms)

    def _produce(self, pos: int, n: int) -> np.ndarray:
        if self.kind == "silence":
            return np.zeros(n, np.int16)
        if self.kind == "tone":
            # phase from the absolute sample index: continuous across reads of any size
            t = np.arange(pos, pos + n, dtype=np.float64)
            x = self._peak * np.sin(2.0 * np.pi * self.frequency_hz / DELIVERY_RATE * t)
        else:
            x = self._rng.standard_normal(n) * (self._peak * SINE_RMS_FACTOR)
        return np.clip(np.rint(x), INT16_MIN, INT16_MAX).astype(np.int16)
