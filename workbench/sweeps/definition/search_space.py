"""Search dimensions of a sweep and how their values land in a spec table.

Dimensions name spec settings by dotted path (:mod:`workbench.training.spec.setting_paths`, shared with
``kws train --set``).

A dimension is ``{ uniform = [LOW, HIGH] }``, ``{ loguniform = [LOW, HIGH] }``, ``{ int = [LOW, HIGH] }``
(both ends included) or ``{ choice = [A, B, ...] }``. :meth:`Dimension.to_tune` turns it into the Ray
Tune search-space object (Ray imported only there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from workbench.core.errors import SettingsError

DISTRIBUTIONS = ("uniform", "loguniform", "int", "choice")
CONTINUOUS_KINDS = ("uniform", "loguniform")  # draw fractional values; "int" draws whole numbers
SPEC_DIMENSION = "spec"  # the dimension that chooses among several specs
INSIDE_FRACTION = 0.3719  # where inside a continuous range the check samples (not a round number)


@dataclass(frozen=True)
class Dimension:
    """One searched setting: its path and distribution (``values`` = (low, high) or the choices)."""

    path: str
    kind: str
    values: tuple[Any, ...]

    def samples(self) -> list[Any]:
        """Values that together exercise the range for checks: every choice; the ends of a range, and
        for a continuous range also a fractional value inside it (an integer setting must use ``int``)."""
        if self.kind in CONTINUOUS_KINDS:
            low, high = self.values
            return [low, high, low + (high - low) * INSIDE_FRACTION]
        return list(self.values)

    def to_tune(self) -> Any:
        from ray import tune

        low, high = (self.values + (None, None))[:2]
        if self.kind == "uniform":
            return tune.uniform(low, high)
        if self.kind == "loguniform":
            return tune.loguniform(low, high)
        if self.kind == "int":
            return tune.randint(low, high + 1)  # Tune's upper bound is exclusive
        return tune.choice(list(self.values))

    def describe(self) -> str:
        if self.kind == "choice":
            return f"{self.path}: one of {', '.join(map(str, self.values))}"
        return f"{self.path}: {self.kind} {self.values[0]}..{self.values[1]}"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_dimension(path: str, table: Any, where: str) -> Dimension:
    """A :class:`Dimension` from ``{ KIND = VALUES }``; SettingsError naming ``where`` otherwise."""
    if not isinstance(table, Mapping) or len(table) != 1:
        raise SettingsError(f"{where}: {path!r} must be one distribution such as {{ uniform = [0.1, 0.5] }} "
                            f"(one of {', '.join(DISTRIBUTIONS)})")
    kind, values = next(iter(table.items()))
    if kind not in DISTRIBUTIONS:
        raise SettingsError(f"{where}: {path!r}: unknown distribution {kind!r} (use {', '.join(DISTRIBUTIONS)})")
    if not isinstance(values, list) or not values:
        raise SettingsError(f"{where}: {path!r}: {kind} needs a list of values")
    if kind == "choice":
        return Dimension(path, kind, tuple(values))
    if len(values) != 2 or not all(_number(v) for v in values):
        raise SettingsError(f"{where}: {path!r}: {kind} needs [LOW, HIGH] (two numbers), got {values}")
    low, high = values
    if not low < high:
        raise SettingsError(f"{where}: {path!r}: {kind} range [{low}, {high}] is empty: LOW must be below HIGH")
    if kind == "loguniform" and low <= 0:
        raise SettingsError(f"{where}: {path!r}: loguniform needs LOW > 0, got {low}")
    if kind == "int" and not (float(low).is_integer() and float(high).is_integer()):
        raise SettingsError(f"{where}: {path!r}: int needs whole numbers, got [{low}, {high}]")
    if kind == "int":
        low, high = int(low), int(high)
    return Dimension(path, kind, (low, high))


def flatten_paths(table: Mapping[str, Any], is_leaf: Any, prefix: str = "") -> dict[str, Any]:
    """``{"training": {"learning_rate": X}}`` and ``{"training.learning_rate": X}`` alike -> dotted paths.

    ``is_leaf(path, value)`` says where a path ends (a distribution table, or a setting whose value is
    itself a table such as ``unknown_word_weights``).
    """
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and not is_leaf(path, value):
            flat.update(flatten_paths(value, is_leaf, prefix=f"{path}."))
        else:
            flat[path] = value
    return flat
