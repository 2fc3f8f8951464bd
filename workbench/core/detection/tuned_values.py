"""What a user tuned away from a model file's detection parameters, and which of it still applies to the file now.

Why only the tuned values, each with the file's value it was tuned from: another tool (``kws params --in-place``,
a second window) may rewrite the file while the window remembers a tuning. Laying every remembered setting over
the file would put the window's old copies of the values the user never touched back in force -- shown as tuned,
and written by the next Save without a question -- undoing the other tool's change. So only the keys the user
changed are kept, and one of them applies again only while the file still holds the value it was tuned from: where
the other tool changed that very key, its newer value wins and the tuning of that key is set aside (and said).

Pure data (JSON-ready dicts), no Qt: the window's settings store it, the loader applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.core.detection.parameter_text import number_text
from workbench.core.detection.settings import THRESHOLD_LIST_KEY, DetectionSettings
from workbench.core.detection.tuning import DetectionTuning


def parameter_values(settings: DetectionSettings) -> dict[str, Any]:
    """Every detection parameter of ``settings`` as JSON holds it; the per-class list always present (None: none),
    as a missing key would let the file's list come back when laid over it."""
    return {THRESHOLD_LIST_KEY: None, **settings.to_params()}


def tuned_values(tuning: DetectionTuning) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values in use that differ from the model file's, and the file's values of those keys (tuned from)."""
    now, in_file = parameter_values(tuning.settings), parameter_values(tuning.model_defaults)
    keys = [key for key, value in now.items() if value != in_file.get(key)]
    return {key: now[key] for key in keys}, {key: in_file.get(key) for key in keys}


@dataclass(frozen=True)
class RememberedValues:
    """What a remembered tuning does to the file as it is now."""

    params: dict[str, Any] = field(default_factory=dict)  # to lay over the file's parameters
    set_aside: dict[str, Any] = field(default_factory=dict)  # key: the file's value now, which replaced the tuned one
    moved_from: str | None = None  # the file's old place, when the tuning was kept for a file since moved


def values_to_apply(tuned: Mapping[str, Any], tuned_from: Mapping[str, Any] | None,
                    in_file: DetectionSettings) -> RememberedValues:
    """Which of ``tuned`` apply to a file whose settings are ``in_file`` now.

    ``tuned_from`` holds the file's values the tuning started from; None for an entry stored the old way (every
    setting, under a hash of the whole file, so the file is the one it was tuned on and its values are the base).
    """
    now = parameter_values(in_file)
    base = now if tuned_from is None else tuned_from
    params: dict[str, Any] = {}
    set_aside: dict[str, Any] = {}
    for key, value in tuned.items():
        if key not in now or value == now[key]:
            continue
        if key in base and base[key] == now[key]:
            params[key] = value
        else:
            set_aside[key] = now[key]
    return RememberedValues(params, set_aside)


def value_text(value: Any) -> str:
    """A detection value as a sentence names it (a float as every view shows it, a list in brackets)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return str(value)


def remembered_sentence(name: str, kept: Mapping[str, Any], set_aside: Mapping[str, Any],
                        moved_from: str | None = None) -> str | None:
    """What the status bar says when a model opens with remembered values (None: nothing was remembered);
    ``moved_from``: the old place of a file whose tuning followed it (said, as the user may not expect it)."""
    parts: list[str] = []
    if kept:
        values = ", ".join(f"{key} {value_text(value)}" for key, value in kept.items())
        where = f" (tuned at its old place {moved_from})" if moved_from else ""
        parts.append(f"kept your tuning of {name}{where}: {values}; Reset gives the file's values")
    if set_aside:
        values = ", ".join(f"{key} {value_text(value)}" for key, value in set_aside.items())
        parts.append(f"the file changed since you tuned it, so its own values are in use: {values}")
    return "; ".join(parts) or None
