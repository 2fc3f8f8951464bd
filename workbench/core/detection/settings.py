"""The detection parameters the EFR32 ``audio_classifier`` firmware reads from a model's metadata.

Field names are MLTK's parameter keys, so a :class:`DetectionSettings` round-trips through a model's
``SL_PARAMSv1`` metadata (:meth:`from_params` / :meth:`to_params`) and what the user tunes in the
workbench is exactly what the board will use. Defaults are the firmware's own: ``audio_classifier_config.cc``
starts every value from MLTK's ``cli_opts.hpp`` and only replaces it with a parameter the model stores, so a
model without stored detection parameters runs here as it runs on the board. (MLTK's Python model
specifications each set their own values, e.g. threshold 160 or 185, volume gain 0 or 2; those are written
into the model and read from it.)

:data:`PARAMETER_KINDS` says what each parameter the firmware reads is (an integer, a string list, ...), so
a value typed for a key the model does not store yet is stored as the firmware reads it, not guessed.
:func:`board_problems` lists what would stop the board firmware from starting with a parameter set.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Mapping

from workbench.core.errors import SettingsError
from workbench.core.frontend_settings import FrontendSettings, FrontendSettingsError

SCORE_MAX = 255
MIN_LATENCY_MS = 1
# the firmware keeps its whole-number parameters in an ``int`` (``audio_classifier_config.cc``) and
# ``SL_PARAMSv1`` written by ``kws params`` stores them as int32: a larger value cannot reach the board
INT_PARAMETER_MAX = 2**31 - 1
THRESHOLD_LIST_KEY = "detection_threshold_list"
CLASSES_KEY = "classes"

# MLTK cli_opts.hpp: what audio_classifier_config.cc uses for a parameter the model does not store
DEFAULTS: dict[str, Any] = {
    "average_window_duration_ms": 1000,
    "detection_threshold": 185,
    "suppression_ms": 1500,
    "minimum_count": 3,
    "volume_gain": 1.0,
    "latency_ms": 100,
}

# What a parameter is, as the firmware reads it (``TfliteModelParameters::get`` casts any stored scalar to
# the type asked for, but reads a list only when it is stored as exactly that list type).
KIND_INT = "whole number"
KIND_NUMBER = "number"  # stored as an int when whole (as MLTK writes ``volume_gain = 2``), else a float
KIND_FLOAT = "decimal number"
KIND_BOOL = "true or false"
KIND_INT_LIST = "comma-separated list of whole numbers"
KIND_STR_LIST = "comma-separated list of names"
PARAMETER_KINDS: dict[str, str] = {
    "average_window_duration_ms": KIND_INT,
    "detection_threshold": KIND_INT,
    "suppression_ms": KIND_INT,
    "minimum_count": KIND_INT,
    "latency_ms": KIND_INT,
    "volume_gain": KIND_NUMBER,
    "sensitivity": KIND_FLOAT,
    "verbose_model_output_logs": KIND_BOOL,
    THRESHOLD_LIST_KEY: KIND_INT_LIST,
    CLASSES_KEY: KIND_STR_LIST,
}

# The audio frontend settings the firmware refuses to start without (sl_ml_audio_feature_generation_config.cc
# GET_INT / GET_FLOAT; the other fe.* keys have firmware defaults).
FIRMWARE_REQUIRED_FRONTEND_KEYS: tuple[str, ...] = (
    "fe.sample_rate_hz", "fe.sample_length_ms", "fe.window_size_ms", "fe.window_step_ms", "fe.fft_length",
    "fe.filterbank_n_channels", "fe.filterbank_lower_band_limit", "fe.filterbank_upper_band_limit",
    "fe.noise_reduction_enable", "fe.noise_reduction_smoothing_bits", "fe.noise_reduction_even_smoothing",
    "fe.noise_reduction_odd_smoothing", "fe.noise_reduction_min_signal_remaining", "fe.pcan_enable",
    "fe.pcan_strength", "fe.pcan_offset", "fe.pcan_gain_bits", "fe.log_scale_enable", "fe.log_scale_shift",
)
_SHOWN_MISSING_KEYS = 3
COPY_PLACEHOLDER = "OUT.tflite"  # the copy a suggested ``kws params`` command writes


def _is_int_list(value: Any) -> bool:
    """True for what the firmware reads as an ``Int32List`` (our decoder gives a FLOAT_LIST as floats)."""
    return isinstance(value, (list, tuple)) and all(isinstance(v, Integral) and not isinstance(v, bool)
                                                    for v in value)


def _threshold_list(value: Any) -> tuple[int, ...] | None:
    """``value`` as per-class thresholds: whole numbers 0-255 (an empty list means none)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise SettingsError(f"{THRESHOLD_LIST_KEY} must be a list of whole numbers, one per class, got {value!r}")
    items = list(value)
    if any(isinstance(v, bool) or not isinstance(v, Real) or int(v) != v for v in items):
        raise SettingsError(f"{THRESHOLD_LIST_KEY} must hold whole numbers, got {items}")
    values = tuple(int(v) for v in items)
    if any(not 0 <= v <= SCORE_MAX for v in values):
        raise SettingsError(f"{THRESHOLD_LIST_KEY} entries must be 0-{SCORE_MAX}, got {list(values)}")
    return values or None


def threshold_list_length_error(thresholds: Sequence[Any] | None, n_classes: int) -> str | None:
    """The one sentence for a per-class threshold list without one entry per class (None when it has one).

    Why one: ``kws detect --threshold-list``, ``kws params``, the Model view and the tuning sliders all meet
    this mistake, and the firmware refuses to start on it (``audio_classifier_config.cc``).
    """
    if thresholds is None or len(thresholds) == n_classes:
        return None
    return (f"{THRESHOLD_LIST_KEY} has {len(thresholds)} entries but the model has {n_classes} classes: "
            f"the board firmware needs one threshold per class")


def _typed_like(value: Any, stored: Any) -> Any:
    """``value`` in the scalar type the model already stores it with (float 0.0 stays a float, an int an int).

    Why: the firmware casts any scalar, so the type is free, and MLTK's models differ (on_off_v3 stores
    ``volume_gain`` 0.0, tflite_micro_speech stores 2); a rewrite should change only what the user changed.
    """
    if stored is None or isinstance(value, (list, tuple)) or isinstance(stored, (list, tuple, str, bytes)):
        return value
    if isinstance(stored, bool):
        return bool(value) if isinstance(value, bool) else value
    if isinstance(stored, float) and isinstance(value, (int, bool)):
        return float(value)
    if isinstance(stored, int) and isinstance(value, bool):
        return int(value)
    if isinstance(stored, int) and isinstance(value, float):
        return _whole_as_int(value)
    return value


def _whole_as_int(value: float) -> int | float:
    """A whole float as the int MLTK would write (``volume_gain = 2``) when it fits the int32 the firmware casts it
    to; else the float itself (``1e40`` as an int would not fit the 64 bits SL_PARAMSv1 stores: Save would fail)."""
    if value.is_integer() and -INT_PARAMETER_MAX - 1 <= value <= INT_PARAMETER_MAX:
        return int(value)
    return value


@dataclass(frozen=True)
class DetectionSettings:
    """Smoothing and decision parameters of the keyword detector (see ``detector.py``)."""

    average_window_duration_ms: int = DEFAULTS["average_window_duration_ms"]
    detection_threshold: int = DEFAULTS["detection_threshold"]
    suppression_ms: int = DEFAULTS["suppression_ms"]
    minimum_count: int = DEFAULTS["minimum_count"]
    volume_gain: float = DEFAULTS["volume_gain"]
    latency_ms: int = DEFAULTS["latency_ms"]
    detection_threshold_list: tuple[int, ...] | None = None
    verbose_model_output_logs: bool = False

    def __post_init__(self) -> None:
        for name in ("average_window_duration_ms", "suppression_ms", "minimum_count", "latency_ms",
                     "detection_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                try:
                    coerced = int(value)
                except (TypeError, ValueError, OverflowError):
                    raise SettingsError(f"{name} must be an integer, got {value!r}") from None
                if coerced != value:
                    raise SettingsError(f"{name} must be an integer, got {value!r}")
                object.__setattr__(self, name, coerced)
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must not be negative, got {value}")
            if getattr(self, name) > INT_PARAMETER_MAX:
                raise SettingsError(f"{name} must be at most {INT_PARAMETER_MAX} (the firmware reads a 32-bit "
                                    f"integer), got {value}")
        if not 0 <= self.detection_threshold <= SCORE_MAX:
            raise SettingsError(f"detection_threshold must be 0-{SCORE_MAX}, got {self.detection_threshold}")
        if self.latency_ms < MIN_LATENCY_MS:
            raise SettingsError(f"latency_ms must be at least {MIN_LATENCY_MS} ms, got {self.latency_ms}")
        try:
            gain = float(self.volume_gain)
        except (TypeError, ValueError):
            raise SettingsError(f"volume_gain must be a number, got {self.volume_gain!r}") from None
        if not math.isfinite(gain) or gain < 0:
            raise SettingsError(f"volume_gain must be a finite number, 0 or more, got {self.volume_gain}")
        object.__setattr__(self, "volume_gain", gain)
        if self.detection_threshold_list is not None:
            object.__setattr__(self, THRESHOLD_LIST_KEY, _threshold_list(self.detection_threshold_list))

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "DetectionSettings":
        """The settings the firmware takes from a model's parameters (missing keys take its defaults).

        A ``detection_threshold_list`` not stored as an integer list is left out, as the firmware leaves
        it out (it reads only an ``Int32List``); :func:`board_problems` says so.
        """
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in params.items() if k in names}
        if THRESHOLD_LIST_KEY in values:
            stored = values[THRESHOLD_LIST_KEY]
            values[THRESHOLD_LIST_KEY] = tuple(stored) if stored and _is_int_list(stored) else None
        return cls(**values)

    def to_params(self, stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The parameter entries as MLTK stores them (the list only when set).

        With ``stored`` (the model's current parameters), each value keeps the scalar type the model
        stores it with, so saving tuned values changes no type behind the user's back.
        """
        params: dict[str, Any] = {
            "average_window_duration_ms": self.average_window_duration_ms,
            "detection_threshold": self.detection_threshold,
            "suppression_ms": self.suppression_ms,
            "minimum_count": self.minimum_count,
            "volume_gain": _whole_as_int(self.volume_gain),
            "latency_ms": self.latency_ms,
            "verbose_model_output_logs": self.verbose_model_output_logs,
        }
        if self.detection_threshold_list:
            params[THRESHOLD_LIST_KEY] = list(self.detection_threshold_list)
        if stored:
            params = {key: _typed_like(value, stored.get(key)) for key, value in params.items()}
        return params

    def replace(self, **changes: Any) -> "DetectionSettings":
        try:
            return dataclasses.replace(self, **changes)
        except TypeError as exc:
            raise SettingsError(f"unknown detection parameter: {exc}") from None

    def threshold_for(self, class_index: int) -> int:
        """The threshold the firmware compares the given class's averaged score with."""
        if self.detection_threshold_list:
            return self.detection_threshold_list[class_index]
        return self.detection_threshold


def _value_text(value: Any) -> str:
    """A frontend setting as ``kws params`` reads it back into the same value (``true``, ``16000``, ``0.025``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def frontend_fix(params: Mapping[str, Any], missing: Sequence[str], model: str = "MODEL") -> str:
    """The ``kws params`` command that writes the ``missing`` frontend settings into a copy of ``model``, with the
    values the workbench uses for them (its defaults beside the model's own fe.* values; the defaults alone when
    those cannot be read).

    Why these values: the workbench already runs the model with them, so the board then computes the spectrogram
    the workbench shows; a copy with other values would have to be chosen by whoever trained the model."""
    try:
        frontend = FrontendSettings.from_params(params)
    except FrontendSettingsError:
        frontend = FrontendSettings()
    values = frontend.to_params()
    assignments = " ".join(f"{key}={_value_text(values[key])}" for key in missing)
    return f"kws params {model} {assignments} -o {COPY_PLACEHOLDER}"


def board_problems(params: Mapping[str, Any], model: str = "MODEL") -> list[str]:
    """Why the board's ``audio_classifier`` firmware would not run a model with ``params`` as the workbench
    does, one sentence each ([] when it would); the fixes name the model file as ``model``.

    Why a list and not an error: the workbench runs such a model (with class_N names, its default frontend
    settings, ...), and writing it is legitimate, but the firmware stops at start-up (``.tflite does not
    define a "classes" parameter``, ``Model parameter missing: fe.…``) or ignores a parameter; a user
    saving a model for the board must be told, not find out on the device.
    """
    problems: list[str] = []
    classes = params.get(CLASSES_KEY)
    if classes is None:
        problems.append("the board firmware needs the class names: add them with "
                        f"kws params {model} classes=NAME,NAME,…")
    elif not (isinstance(classes, (list, tuple)) and classes and all(isinstance(c, str) for c in classes)):
        problems.append(f"the board firmware reads the class names only as a list of strings, not "
                        f"{classes!r}: rewrite them with kws params {model} classes=NAME,NAME,…")
    missing = [key for key in FIRMWARE_REQUIRED_FRONTEND_KEYS if key not in params]
    if missing:
        shown = ", ".join(missing[:_SHOWN_MISSING_KEYS]) + (", …" if len(missing) > _SHOWN_MISSING_KEYS else "")
        problems.append(f"the board firmware needs {len(missing)} audio frontend settings the model lacks "
                        f"({shown}); the workbench uses its defaults for them, the board refuses to start: write "
                        f"those into a copy with {frontend_fix(params, missing, model)}")
    thresholds = params.get(THRESHOLD_LIST_KEY)
    if thresholds is not None and not _is_int_list(thresholds):
        problems.append(f"the board firmware ignores {THRESHOLD_LIST_KEY} unless it is a list of whole "
                        f"numbers: rewrite it with kws params {model} {THRESHOLD_LIST_KEY}=T,T,…")
    elif isinstance(classes, (list, tuple)) and thresholds:
        length_error = threshold_list_length_error(thresholds, len(classes))
        if length_error:
            problems.append(length_error)
    return problems
