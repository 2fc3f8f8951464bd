"""Audio frontend settings as MLTK names them (``fe.*`` model parameters).

The field names are MLTK's ``fe.`` keys without the prefix and the defaults are those of the
``tflite_micro_speech`` reference model, so a model's metadata round-trips through this class
unchanged and the workbench computes the spectrogram the model was trained with.

numpy is imported where it is used: the detection settings build on these, and ``kws detect --help`` reads their
names without loading numpy (:mod:`workbench.cli.main`).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import dataclass, fields
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Mapping

from workbench.core.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

PARAM_PREFIX = "fe."

# The int8 model input is the uint16 frontend output mapped from [0, 666] (= 25.6 * 26, the range
# MLTK and the TFLM micro_speech example use) onto [-128, 127].
INT8_RANGE_MIN = 0
INT8_RANGE_MAX = 666
# ln(10) / 20: converts a dB range to natural-log units of the log-scaled frontend output.
LN10_DIV_20 = 0.11512925465

# The native frontend's limits (native/kws_frontend.c, validate()); checked here first so that a model
# with impossible ``fe.*`` values is refused when it is written or loaded, in one sentence.
SAMPLE_RATE_RANGE_HZ = (1000, 384000)
CHANNELS_RANGE = (1, 256)
MIN_WINDOW_SAMPLES = 4
MAX_WINDOW_SAMPLES = 16384
# far beyond any keyword model's input (1 s here); a spec or model asking for hours of audio per input would make
# every sample hours long -- a run that seems to hang, then runs out of memory
MAX_SAMPLE_LENGTH_MS = 60_000
SMOOTHING_BITS_RANGE = (0, 16)
PCAN_GAIN_BITS_RANGE = (1, 30)
LOG_SCALE_SHIFT_RANGE = (0, 15)
ACTIVITY_THRESHOLD_LIMIT = 8.0
# how alike an unknown ``fe.*`` name must be to a known one to be offered as what was meant (difflib's ratio)
_CLOSE_NAME_CUTOFF = 0.8


class FrontendSettingsError(WorkbenchError, ValueError):
    """``fe.*`` settings the frontend cannot run with (a ValueError too, for callers that catch those)."""


class FrontendSettingsTypeError(FrontendSettingsError, TypeError):
    """An ``fe.*`` value of the wrong type (a TypeError too)."""


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
        """Check each value's type and store it as the plain Python bool, int or float the model's metadata
        holds: numpy scalars (``np.int64(10)``, ``np.bool_(True)``, what arrays and pandas hand out) are taken
        as the numbers they are, but must not reach ``to_params`` as numpy types."""
        import numpy as np

        for f in fields(self):
            value = getattr(self, f.name)
            kind = _FIELD_TYPES[f.name]
            if kind is bool:
                if not isinstance(value, (Integral, np.bool_)):
                    raise FrontendSettingsTypeError(f"fe.{f.name} must be a bool, got {value!r}")
                object.__setattr__(self, f.name, bool(value))
            elif kind is int:
                if isinstance(value, bool) or not isinstance(value, Integral) and not (
                    isinstance(value, Real) and float(value).is_integer()
                ):
                    raise FrontendSettingsTypeError(f"fe.{f.name} must be an integer, got {value!r}")
                object.__setattr__(self, f.name, int(value))
            else:
                if isinstance(value, bool) or not isinstance(value, Real):
                    raise FrontendSettingsTypeError(f"fe.{f.name} must be a number, got {value!r}")
                if not math.isfinite(float(value)):
                    raise FrontendSettingsError(f"fe.{f.name} must be finite, got {value!r}")
                object.__setattr__(self, f.name, float(value))
        problem = self._problem()
        if problem:
            raise FrontendSettingsError(problem)
        need = _next_pow2(self.window_size_samples)
        if self.fft_length == 0:
            object.__setattr__(self, "fft_length", need)
        elif self.fft_length < self.window_size_samples:
            raise FrontendSettingsError(f"the window ({self.window_size_samples} samples) is longer than "
                                        f"fe.fft_length ({self.fft_length})")
        elif self.fft_length != need:
            raise FrontendSettingsError(f"fe.fft_length must be the smallest power of two holding the window "
                                        f"({need}), got {self.fft_length}")

    def _problem(self) -> str:
        """The first setting the native frontend would refuse, as a sentence ("" when all are fine)."""
        def outside(name: str, limits: tuple[int, int]) -> str:
            value = getattr(self, name)
            return "" if limits[0] <= value <= limits[1] else f"fe.{name} must be {limits[0]}..{limits[1]}, got {value}"

        checks = (
            outside("sample_rate_hz", SAMPLE_RATE_RANGE_HZ),
            outside("filterbank_n_channels", CHANNELS_RANGE),
            "" if self.sample_length_ms > 0 else f"fe.sample_length_ms must be positive, got {self.sample_length_ms}",
            "" if self.sample_length_ms <= MAX_SAMPLE_LENGTH_MS else
            (f"fe.sample_length_ms must be at most {MAX_SAMPLE_LENGTH_MS} (a minute of audio in one model input), "
             f"got {self.sample_length_ms}"),
            "" if self.window_size_ms >= 1 and self.window_step_ms >= 1 else
            "fe.window_size_ms and fe.window_step_ms must be at least 1",
            "" if MIN_WINDOW_SAMPLES <= self.window_size_samples <= MAX_WINDOW_SAMPLES else
            f"the window ({self.window_size_ms} ms) must hold {MIN_WINDOW_SAMPLES}..{MAX_WINDOW_SAMPLES} samples",
            "" if 1 <= self.window_step_samples <= self.window_size_samples else
            "fe.window_step_ms must not exceed fe.window_size_ms",
            "" if self.window_size_samples <= self.sample_length else
            f"the window ({self.window_size_ms} ms) is longer than the sample ({self.sample_length_ms} ms)",
            "" if 0 <= self.filterbank_lower_band_limit < self.filterbank_upper_band_limit else
            (f"the filterbank band limits must satisfy 0 <= lower < upper (got {self.filterbank_lower_band_limit:g} "
             f"and {self.filterbank_upper_band_limit:g} Hz)"),
            "" if self.filterbank_upper_band_limit <= self.sample_rate_hz / 2 else
            (f"fe.filterbank_upper_band_limit ({self.filterbank_upper_band_limit:g} Hz) must not be above half the "
             f"sample rate: fe.sample_rate_hz is {self.sample_rate_hz} Hz, so at most {self.sample_rate_hz / 2:g} Hz"),
            outside("noise_reduction_smoothing_bits", SMOOTHING_BITS_RANGE),
            "" if all(0.0 <= getattr(self, n) <= 1.0 for n in ("noise_reduction_even_smoothing",
                                                              "noise_reduction_odd_smoothing",
                                                              "noise_reduction_min_signal_remaining")) else
            "fe.noise_reduction smoothing and min_signal_remaining must be 0..1",
            "" if self.noise_reduction_enable or not self.pcan_enable else
            "fe.pcan_enable needs fe.noise_reduction_enable (PCAN uses its noise estimate)",
            outside("pcan_gain_bits", PCAN_GAIN_BITS_RANGE),
            "" if self.pcan_offset > 0 and self.pcan_strength >= 0 else
            "fe.pcan_offset must be > 0 and fe.pcan_strength >= 0",
            outside("log_scale_shift", LOG_SCALE_SHIFT_RANGE),
            "" if 0.0 <= self.dc_notch_filter_coefficient < 1.0 else "fe.dc_notch_filter_coefficient must be in [0, 1)",
            "" if 0.0 <= self.activity_detection_alpha_a <= 1.0 and 0.0 <= self.activity_detection_alpha_b <= 1.0
            and 0.0 <= self.activity_detection_arm_threshold < ACTIVITY_THRESHOLD_LIMIT
            and 0.0 <= self.activity_detection_trip_threshold < ACTIVITY_THRESHOLD_LIMIT else
            "fe.activity_detection alphas must be 0..1 and thresholds 0..8",
        )
        return next((problem for problem in checks if problem), "")

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
        import numpy as np

        # single-precision product as the device computes it
        scale = np.float32(self.quantize_dynamic_scale_range_db) * np.float32(1 << self.log_scale_shift)
        return int(float(scale) * LN10_DIV_20)

    # ---- MLTK parameter round trip -------------------------------------------------------------
    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "FrontendSettings":
        """Build from a model-parameter dict; ``fe.*`` keys are used, other keys ignored.

        Unknown ``fe.*`` keys raise, so a typo never silently falls back to a default; the error offers the
        known name it most resembles (a typo, or a damaged byte in a model's parameters).
        """
        known = [f.name for f in fields(cls)]
        values: dict[str, Any] = {}
        for key, value in params.items():
            if not key.startswith(PARAM_PREFIX):
                continue
            name = key[len(PARAM_PREFIX):]
            if name not in known:
                raise FrontendSettingsError(f"unknown frontend setting {key!r}{_meant(name, known)}: "
                                            "correct or remove it")
            values[name] = value
        return cls(**values)

    def to_params(self) -> dict[str, Any]:
        """All settings as ``fe.*`` model parameters."""
        return {PARAM_PREFIX + f.name: getattr(self, f.name) for f in fields(self)}

    def replace(self, **changes: Any) -> "FrontendSettings":
        """A copy with changes; ``fft_length`` follows the window unless given."""
        changes.setdefault("fft_length", 0)
        return dataclasses.replace(self, **changes)


def _meant(name: str, known: list[str]) -> str:
    """`` (did you mean 'fe.NAME'?)`` for the known setting ``name`` most resembles, else ""."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=_CLOSE_NAME_CUTOFF)
    return f" (did you mean {PARAM_PREFIX + close[0]!r}?)" if close else ""


def _next_pow2(n: int) -> int:
    size = 1
    while size < n:
        size <<= 1
    return size


_FIELD_TYPES = {f.name: {"bool": bool, "int": int, "float": float}[f.type] for f in fields(FrontendSettings)}


# -- where the filterbank's channels lie in frequency ---------------------------------------------------------------
# The TFLM filterbank (MLTK's frontend) spaces ``channels + 1`` intervals evenly on the mel scale 1127 ln(1 + f / 700)
# between the lower and upper band limits; channel ``i`` peaks at the ``i + 1``-th point. A picture of the
# spectrogram labels its channels in Hz from these (the Live view, ``kws features -o f.png``).
MEL_BREAK_HZ = 700.0
MEL_FACTOR = 1127.0


def band_centre_frequencies(lower_hz: float, upper_hz: float, channels: int) -> np.ndarray:
    """Centre frequency (Hz) of each of ``channels`` mel filterbank channels between the band limits."""
    import numpy as np

    def mel(f: float) -> float:
        return MEL_FACTOR * math.log1p(f / MEL_BREAK_HZ)

    lo, hi = mel(lower_hz), mel(upper_hz)
    spacing = (hi - lo) / (channels + 1)
    mels = lo + spacing * np.arange(1, channels + 1)
    return MEL_BREAK_HZ * np.expm1(mels / MEL_FACTOR)


def channel_centres_hz(settings: FrontendSettings) -> np.ndarray:
    """Centre frequency (Hz) of each channel of the spectrogram ``settings`` give, lowest channel first."""
    return band_centre_frequencies(settings.filterbank_lower_band_limit, settings.filterbank_upper_band_limit,
                                   settings.filterbank_n_channels)
