"""The detection parameters the EFR32 ``audio_classifier`` firmware reads from a model's metadata.

Field names are MLTK's parameter keys, so a :class:`DetectionSettings` round-trips through a model's
``SL_PARAMSv1`` metadata (:meth:`from_params` / :meth:`to_params`) and what the user tunes in the
workbench is exactly what the board will use. Defaults are what MLTK's ``AudioFeatureGenerator``-based
audio classifier models use when a parameter is not set (MLTK docs, "Audio classifier" model parameters).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Mapping

from workbench.core.errors import SettingsError

SCORE_MAX = 255
MIN_LATENCY_MS = 1

DEFAULTS: dict[str, Any] = {
    "average_window_duration_ms": 1000,
    "detection_threshold": 160,
    "suppression_ms": 1500,
    "minimum_count": 3,
    "volume_gain": 2.0,
    "latency_ms": 100,
}


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
                except (TypeError, ValueError):
                    raise SettingsError(f"{name} must be an integer, got {value!r}") from None
                if coerced != value:
                    raise SettingsError(f"{name} must be an integer, got {value!r}")
                object.__setattr__(self, name, coerced)
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must not be negative, got {value}")
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
            values = tuple(int(v) for v in self.detection_threshold_list)
            if any(not 0 <= v <= SCORE_MAX for v in values):
                raise SettingsError(f"detection_threshold_list entries must be 0-{SCORE_MAX}, got {list(values)}")
            object.__setattr__(self, "detection_threshold_list", values or None)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "DetectionSettings":
        """The settings stored in a model's parameters (missing keys take the defaults)."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in params.items() if k in names}
        if "detection_threshold_list" in values:
            values["detection_threshold_list"] = tuple(values["detection_threshold_list"] or ()) or None
        return cls(**values)

    def to_params(self) -> dict[str, Any]:
        """The parameter entries as MLTK stores them (the list only when set)."""
        params: dict[str, Any] = {
            "average_window_duration_ms": self.average_window_duration_ms,
            "detection_threshold": self.detection_threshold,
            "suppression_ms": self.suppression_ms,
            "minimum_count": self.minimum_count,
            "volume_gain": int(self.volume_gain) if self.volume_gain.is_integer() else self.volume_gain,
            "latency_ms": self.latency_ms,
            "verbose_model_output_logs": self.verbose_model_output_logs,
        }
        if self.detection_threshold_list:
            params["detection_threshold_list"] = list(self.detection_threshold_list)
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
