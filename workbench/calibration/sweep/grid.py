"""The parameter sets a calibration tries: threshold × averaging window × suppression × minimum count.

Why these limits: the sweep reuses one replay's scores, which is exact only while the scores do not
depend on the parameters. They would with ``suppression_ms <= 1`` (the firmware then resets its
frontend after every detection), so such suppressions are refused with the reason. A minimum count
larger than the results a window can hold can never decide anything; those combinations are left out
rather than reported as "never detects" (the rule is :func:`workbench.core.detection.never_detects.useful_count`,
which ``kws detect``, ``kws params`` and the tuning panel warn with).

Ranges are written ``START:STOP:STEP`` (STOP included), ``A,B,C`` or a single value. With per-class
thresholds every keyword gets its own threshold from the same range (the grid is the product over
keywords); the firmware's ``detection_threshold_list`` then needs an entry for every class, and the
non-keyword classes -- which can never be detected -- get the global threshold.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from workbench.calibration.replay import FRONTEND_RESET_SUPPRESSION_MS
from workbench.core.detection.detector import is_keyword_class
from workbench.core.detection.never_detects import useful_count
from workbench.core.detection.settings import SCORE_MAX, DetectionSettings
from workbench.core.errors import SettingsError

# coarse where thresholds only trade many false accepts for a few, fine near the top where the
# averaged scores of confusable words sit (low-FA/h sets live there)
DEFAULT_THRESHOLDS = tuple(range(100, 200, 10)) + tuple(range(200, 255, 2))
DEFAULT_WINDOWS_MS = (300, 500, 750, 1000, 1500)
DEFAULT_SUPPRESSIONS_MS = (500, 750, 1000, 1500, 2000)
DEFAULT_COUNTS = (1, 2, 3, 5)
DEFAULT_MAX_SETS = 200_000
RANGE_PARTS = 3


def parse_int_range(text: str, what: str) -> tuple[int, ...]:
    """``"100:250:5"`` (stop included), ``"100,150,200"`` or ``"200"`` → sorted unique ints."""
    cleaned = str(text).strip()
    try:
        if ":" in cleaned:
            parts = [int(p) for p in cleaned.split(":")]
            if len(parts) == RANGE_PARTS - 1:
                parts.append(1)
            if len(parts) != RANGE_PARTS:
                raise ValueError
            start, stop, step = parts
            if step <= 0 or stop < start:
                raise SettingsError(f"{what} range {cleaned!r} must have START <= STOP and a positive STEP")
            values = list(range(start, stop + 1, step))
        else:
            values = [int(p) for p in cleaned.split(",") if p.strip()]
    except ValueError:
        raise SettingsError(f"{what} must be whole numbers as START:STOP:STEP or A,B,C, got {text!r}") from None
    if not values:
        raise SettingsError(f"{what} needs at least one value, got {text!r}")
    return tuple(sorted(set(values)))


@dataclass(frozen=True)
class ParameterSet:
    """One candidate: what would go into the model's detection parameters."""

    detection_threshold: int
    average_window_duration_ms: int
    suppression_ms: int
    minimum_count: int
    detection_threshold_list: tuple[int, ...] | None = None

    @property
    def threshold(self) -> int | tuple[int, ...]:
        """What the detector compares with: the list when set, else the global threshold."""
        return self.detection_threshold_list or self.detection_threshold

    def settings(self, base: DetectionSettings) -> DetectionSettings:
        """``base`` (volume gain, latency …) with these detection parameters."""
        return base.replace(detection_threshold=self.detection_threshold,
                            average_window_duration_ms=self.average_window_duration_ms,
                            suppression_ms=self.suppression_ms, minimum_count=self.minimum_count,
                            detection_threshold_list=self.detection_threshold_list)

    @classmethod
    def from_settings(cls, settings: DetectionSettings) -> "ParameterSet":
        return cls(settings.detection_threshold, settings.average_window_duration_ms, settings.suppression_ms,
                   settings.minimum_count, settings.detection_threshold_list)


@dataclass(frozen=True)
class SweepRanges:
    """What to try (each a sorted tuple); see the module docstring."""

    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    windows_ms: tuple[int, ...] = DEFAULT_WINDOWS_MS
    suppressions_ms: tuple[int, ...] = DEFAULT_SUPPRESSIONS_MS
    counts: tuple[int, ...] = DEFAULT_COUNTS
    per_class_thresholds: bool = False
    max_sets: int = field(default=DEFAULT_MAX_SETS, compare=False)

    def __post_init__(self) -> None:
        for name in ("thresholds", "windows_ms", "suppressions_ms", "counts"):
            values = tuple(sorted(set(int(v) for v in getattr(self, name))))
            if not values:
                raise SettingsError(f"the sweep needs at least one value for {name}")
            if values[0] < 0:
                raise SettingsError(f"{name} must not be negative, got {values[0]}")
            object.__setattr__(self, name, values)
        if self.thresholds[-1] > SCORE_MAX:
            raise SettingsError(f"thresholds must be 0-{SCORE_MAX}, got {self.thresholds[-1]}")
        if self.suppressions_ms[0] <= FRONTEND_RESET_SUPPRESSION_MS:
            raise SettingsError(
                f"a suppression of {self.suppressions_ms[0]} ms cannot be swept: at "
                f"{FRONTEND_RESET_SUPPRESSION_MS} ms or less the firmware resets its frontend after every "
                f"detection, so one replay's scores do not apply; use suppressions of "
                f"{FRONTEND_RESET_SUPPRESSION_MS + 1} ms or more")


def keyword_indices(classes: Sequence[str]) -> list[int]:
    return [i for i, c in enumerate(classes) if is_keyword_class(c)]


def _threshold_choices(ranges: SweepRanges, classes: Sequence[str]) -> list[tuple[int, tuple[int, ...] | None]]:
    if not ranges.per_class_thresholds:
        return [(t, None) for t in ranges.thresholds]
    keywords = keyword_indices(classes)
    choices = []
    for combo in itertools.product(ranges.thresholds, repeat=len(keywords)):
        glob = min(combo)
        values = [glob] * len(classes)
        for index, value in zip(keywords, combo):
            values[index] = value
        choices.append((glob, tuple(values)))
    return choices


def parameter_grid(ranges: SweepRanges, classes: Sequence[str], latency_ms: int) -> list[ParameterSet]:
    """Every useful set, grouped by (window, count) so each averaging is computed once."""
    thresholds = _threshold_choices(ranges, classes)
    pairs = [(w, c) for w in ranges.windows_ms for c in ranges.counts if useful_count(w, c, latency_ms)
             and (c > 0 or w == ranges.windows_ms[0])]  # count 0 averages nothing: one window is enough
    total = len(pairs) * len(ranges.suppressions_ms) * len(thresholds)
    if not pairs:
        raise SettingsError(f"no minimum count in {list(ranges.counts)} fits any averaging window in "
                            f"{list(ranges.windows_ms)} ms at one inference every {latency_ms} ms")
    if total > ranges.max_sets:
        raise SettingsError(f"the sweep would try {total:,} parameter sets, more than the limit of "
                            f"{ranges.max_sets:,}; narrow the ranges or take fewer steps")
    return list(_iterate(pairs, ranges.suppressions_ms, thresholds))


def _iterate(pairs: list[tuple[int, int]], suppressions: Sequence[int],
             thresholds: list[tuple[int, tuple[int, ...] | None]]) -> Iterator[ParameterSet]:
    for window, count in pairs:
        for suppression in suppressions:
            for glob, values in thresholds:
                yield ParameterSet(glob, window, suppression, count, values)
