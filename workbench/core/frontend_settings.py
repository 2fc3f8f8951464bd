"""Audio frontend settings as MLTK names them (``fe.*`` model parameters).

The field names are MLTK's ``fe.`` keys without the prefix and the defaults are those of the
``tflite_micro_speech`` reference model, so a model's metadata round-trips through this class
unchanged and the workbench computes the spectrogram the model was trained with.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from typing import Any, Mapping

PARAM_PREFIX = "fe."

# The int8 model input is the uint16 frontend output mapped from [0, 666] (= 25.6 * 26, the range
# MLTK and the TFLM micro_speech example use) onto [-128, 127].
INT8_RANGE_MIN = 0
INT8_RANGE_MAX = 666
# ln(10) / 20: converts a dB range to natural-log units of the log-scaled frontend output.
LN10_DIV_20 = 0.11512925465


@dataclass(frozen=True)
class FrontendSettings:
    """Every ``fe.*`` setting of MLTK's AudioFeatureGenerator (defaults: tflite_micro_speech)."""

    sample_rate_hz: int = 16000
    sample_length_ms: int = 1000
    window_size_ms: int = 30
    window_step_ms: int = 20
    fft_length: int = 0  # 0: derived, the smallest power of two holding the window (512 here)
    filterbank_n_channels: int = 40
    filterbank_upper_band_limit: float = 7500.0
    filterbank_lower_band_limit: float = 125.0
    noise_reduction_enable: bool = True
    noise_reduction_smoothing_bits: int = 10
    noise_reduction_even_smoothing: float = 0.025
    noise_reduction_odd_smoothing: float = 0.06
    noise_reduction_min_signal_remaining: float = 0.05
    pcan_enable: bool = True
    pcan_strength: float = 0.95
    pcan_offset: float = 80.0
    pcan_gain_bits: int = 21
    log_scale_enable: bool = True
    log_scale_shift: int = 6
    activity_detection_enable: bool = False
    activity_detection_alpha_a: float = 0.5
    activity_detection_alpha_b: float = 0.8
    activity_detection_arm_threshold: float = 0.75
    activity_detection_trip_threshold: float = 0.8
    dc_notch_filter_enable: bool = False
    dc_notch_filter_coefficient: float = 0.95
    quantize_dynamic_scale_enable: bool = False
    quantize_dynamic_scale_range_db: float = 40.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            kind = _FIELD_TYPES[f.name]
            if kind is bool:
                if not isinstance(value, (bool, int)) or isinstance(value, float):
                    raise TypeError(f"fe.{f.name} must be a bool, got {value!r}")
                object.__setattr__(self, f.name, bool(value))
            elif kind is int:
                if isinstance(value, bool) or not isinstance(value, (int,)) and not (
                    isinstance(value, float) and value.is_integer()
                ):
                    raise TypeError(f"fe.{f.name} must be an integer, got {value!r}")
                object.__setattr__(self, f.name, int(value))
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise TypeError(f"fe.{f.name} must be a number, got {value!r}")
                if not math.isfinite(float(value)):
                    raise ValueError(f"fe.{f.name} must be finite, got {value!r}")
                object.__setattr__(self, f.name, float(value))
        if self.fft_length == 0:
            object.__setattr__(self, "fft_length", _next_pow2(self.window_size_samples))
        if self.sample_length_ms <= 0:
            raise ValueError(f"fe.sample_length_ms must be positive, got {self.sample_length_ms}")
        if self.window_size_samples > self.sample_length:
            raise ValueError(
                f"the window ({self.window_size_ms} ms) is longer than the sample "
                f"({self.sample_length_ms} ms)"
            )

    # ---- derived sizes -------------------------------------------------------------------------
    @property
    def window_size_samples(self) -> int:
        return self.window_size_ms * self.sample_rate_hz // 1000

    @property
    def window_step_samples(self) -> int:
        return self.window_step_ms * self.sample_rate_hz // 1000

    @property
    def sample_length(self) -> int:
        """Samples in one model input (``sample_length_ms`` of audio)."""
        return self.sample_rate_hz * self.sample_length_ms // 1000

    @property
    def n_frames(self) -> int:
        """Spectrogram rows of one model input."""
        step = max(self.window_step_samples, 1)
        return (self.sample_length - self.window_size_samples) // step + 1

    @property
    def spectrogram_shape(self) -> tuple[int, int]:
        return (self.n_frames, self.filterbank_n_channels)

    @property
    def dynamic_quantize_range(self) -> int:
        """The uint16 span mapped onto int8 by dynamic quantisation (0 when it is disabled)."""
        if not self.quantize_dynamic_scale_enable:
            return 0
        # single-precision product as the device computes it
        import numpy as np

        scale = np.float32(self.quantize_dynamic_scale_range_db) * np.float32(1 << self.log_scale_shift)
        return int(float(scale) * LN10_DIV_20)

    # ---- MLTK parameter round trip -------------------------------------------------------------
    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "FrontendSettings":
        """Build from a model-parameter dict; ``fe.*`` keys are used, other keys ignored.

        Unknown ``fe.*`` keys raise, so a typo never silently falls back to a default.
        """
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in params.items():
            if not key.startswith(PARAM_PREFIX):
                continue
            name = key[len(PARAM_PREFIX):]
            if name not in known:
                raise ValueError(f"unknown frontend setting {key!r}")
            values[name] = value
        return cls(**values)

    def to_params(self) -> dict[str, Any]:
        """All settings as ``fe.*`` model parameters."""
        return {PARAM_PREFIX + f.name: getattr(self, f.name) for f in fields(self)}

    def replace(self, **changes: Any) -> "FrontendSettings":
        """A copy with changes; ``fft_length`` follows the window unless given."""
        changes.setdefault("fft_length", 0)
        return dataclasses.replace(self, **changes)


def _next_pow2(n: int) -> int:
    size = 1
    while size < n:
        size <<= 1
    return size


_FIELD_TYPES = {f.name: {"bool": bool, "int": int, "float": float}[f.type] for f in fields(FrontendSettings)}
