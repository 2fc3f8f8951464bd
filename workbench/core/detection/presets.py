"""Named detection presets a model carries beside its own detection parameters ("quiet room").

Why: the board firmware reads only the model's own keys (``detection_threshold``, ``suppression_ms``, ...), and
those are calibrated for one place -- by ``kws calibrate`` on dense speech, where they keep false accepts down. At
a quiet desk (keywords among silence, few other words) the same values miss keywords that a set calibrated on a
quiet stream hears, while it still fires about never there. So a model may carry further named sets, as
``SL_PARAMSv1`` keys that MLTK and the firmware ignore::

    preset.<name>.<parameter>=<value>      <parameter>: one of PRESET_PARAMETERS
    preset.<name>.description=<one sentence for the user>

``<name>`` takes lowercase letters, digits and underscores (``quiet_room``, shown as "Quiet room"). A parameter a
preset does not give keeps the model's own value; :func:`preset_params` writes every parameter, so a preset stays
what it was calibrated as when the model's own values are changed later. An empty ``detection_threshold_list``
says the preset has no per-class thresholds (its global threshold for every class) even where the model has some.

``kws detect --preset``, ``kws calibrate --as-preset`` and the Tuning panel's Values choice use this module; it
loads neither numpy nor LiteRT (the commands' ``--help`` must not).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.core.detection.settings import THRESHOLD_LIST_KEY, DetectionSettings, threshold_list_length_error
from workbench.core.errors import ModelError, SettingsError, closest_name

PRESET_PREFIX = "preset."
DESCRIPTION = "description"
# what a preset may set: the detection parameters the firmware reads (not verbose_model_output_logs, a log switch)
PRESET_PARAMETERS: tuple[str, ...] = (
    "detection_threshold", THRESHOLD_LIST_KEY, "average_window_duration_ms", "suppression_ms", "minimum_count",
    "latency_ms", "volume_gain",
)
NAME_RULE = "lowercase letters, digits and underscores"
_NAME_PATTERN = re.compile(r"[a-z0-9_]+")
_NAME_WORD = re.compile(r"[a-z0-9]+")  # what a suggested name keeps of a text, its words joined by underscores
_EXAMPLE_KEY = f"{PRESET_PREFIX}quiet_room.detection_threshold"


@dataclass(frozen=True)
class DetectionPreset:
    """One named set of detection parameters a model carries: ``settings`` are complete (what it does not give
    is the model's own), ``description`` says where it is meant for ("" when the model gives none)."""

    name: str
    description: str
    settings: DetectionSettings

    @property
    def shown_name(self) -> str:
        """The name as a person reads it: ``quiet_room`` is "Quiet room"."""
        return shown_preset_name(self.name)


def shown_preset_name(name: str) -> str:
    """The preset name ``name`` as the Tuning panel's Values choice shows it: ``quiet_room`` is "Quiet room"."""
    words = " ".join(name.replace("_", " ").split())
    return words[:1].upper() + words[1:]


def preset_name(text: str) -> str:
    """The preset name ``text`` stands for (``quiet room`` and ``Quiet room`` are ``quiet_room``, as shown to a
    user); a :class:`SettingsError` saying what a name takes when it is none."""
    name = "_".join(text.strip().lower().split())
    if not _NAME_PATTERN.fullmatch(name):
        raise SettingsError(f"a preset name takes only {NAME_RULE} (e.g. quiet_room), not {text!r}")
    return name


def suggested_preset_name(text: str) -> str:
    """A preset name made of ``text`` for a field to start from: its letters and digits lowercased, each run of
    anything else one underscore (a stream ``Office stream-2`` gives ``office_stream_2``); "" when nothing is left.
    Why: a stream's file name says where it was recorded, the place a preset calibrated on it is meant for."""
    return "_".join(_NAME_WORD.findall(text.lower()))


def preset_parameter(key: str) -> str | None:
    """What a well-formed preset key sets (a parameter of :data:`PRESET_PARAMETERS` or ``description``); None for
    any other key. Why: a value typed for ``preset.quiet_room.detection_threshold_list`` must be read as the
    model's own ``detection_threshold_list`` is (:mod:`workbench.core.detection.parameter_text`)."""
    if not key.startswith(PRESET_PREFIX) or preset_key_problem(key):
        return None
    return key.rsplit(".", 1)[1]


def preset_key_problem(key: str) -> str | None:
    """One sentence on what is wrong with ``key`` as a preset key (None when it is a well-formed one)."""
    name, dot, parameter = key[len(PRESET_PREFIX):].partition(".") if key.startswith(PRESET_PREFIX) else ("", "", "")
    if not dot or not name or not parameter:
        return f"the preset key {key} must read {PRESET_PREFIX}NAME.PARAMETER (e.g. {_EXAMPLE_KEY})"
    if not _NAME_PATTERN.fullmatch(name):
        return f"the preset key {key} names a preset {name!r}: a preset name takes only {NAME_RULE}"
    known = (*PRESET_PARAMETERS, DESCRIPTION)
    if parameter not in known:
        close = closest_name(parameter, known)
        suggestion = f" (did you mean {PRESET_PREFIX}{name}.{close}?)" if close else ""
        return (f"the preset key {key} sets no parameter a preset takes{suggestion}; it takes "
                f"{', '.join(known)}")
    return None


def presets_in(params: Mapping[str, Any], model_defaults: DetectionSettings,
               classes: Sequence[str] = ()) -> tuple[DetectionPreset, ...]:
    """Every preset ``params`` (a model's parameters) hold, sorted by name; what a preset does not give is
    ``model_defaults``'. With ``classes``, a per-class list must have one entry per class. A malformed preset key is
    a :class:`ModelError`, a bad value a :class:`SettingsError`, each naming the key."""
    given: dict[str, dict[str, Any]] = {}
    for key, value in params.items():
        if not key.startswith(PRESET_PREFIX):
            continue
        problem = preset_key_problem(key)
        if problem:
            raise ModelError(f"the model's {problem}")
        name, _, parameter = key[len(PRESET_PREFIX):].partition(".")
        given.setdefault(name, {})[parameter] = value
    return tuple(_preset(name, given[name], model_defaults, classes) for name in sorted(given))


def _preset(name: str, values: dict[str, Any], model_defaults: DetectionSettings,
            classes: Sequence[str]) -> DetectionPreset:
    description = values.pop(DESCRIPTION, "")
    if not isinstance(description, str):
        raise SettingsError(f"the model's {_key(name, DESCRIPTION)} must be text, got {description!r}")
    settings = model_defaults
    for parameter, value in values.items():
        try:
            settings = settings.replace(**{parameter: value})
        except SettingsError as exc:
            raise SettingsError(f"the model's {_key(name, parameter)} is refused: {exc}") from None
    length_error = threshold_list_length_error(settings.detection_threshold_list, len(classes)) if classes else None
    if length_error:
        raise SettingsError(f"the model's {_key(name, THRESHOLD_LIST_KEY)} is refused: {length_error}")
    return DetectionPreset(name, description, settings)


def _key(name: str, parameter: str) -> str:
    return f"{PRESET_PREFIX}{name}.{parameter}"


def preset_params(name: str, settings: DetectionSettings, description: str,
                  stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The keys that store ``settings`` as preset ``name``: every parameter of :data:`PRESET_PARAMETERS` (see the
    module docstring), typed as the model's own values ``stored`` are (``volume_gain`` 0.0 stays a float), and the
    description."""
    name = preset_name(name)
    values = settings.to_params(stored)
    # no per-class list: an empty one, so that the model's own list is not taken (to_params leaves it out)
    params = {_key(name, parameter): values.get(parameter, []) for parameter in PRESET_PARAMETERS}
    params[_key(name, DESCRIPTION)] = description
    return params


def chosen_preset(presets: Sequence[DetectionPreset], name: str, model_name: str) -> DetectionPreset:
    """The preset called ``name`` (as :func:`preset_name` reads it); a :class:`SettingsError` naming the model's
    presets, or saying it has none, when there is no such preset."""
    wanted = preset_name(name)
    for preset in presets:
        if preset.name == wanted:
            return preset
    if not presets:
        raise SettingsError(f"{model_name} has no presets (no {PRESET_PREFIX}NAME.* parameters); write one into a "
                            f"copy with kws calibrate --apply-to OUT.tflite --as-preset {wanted}")
    names = ", ".join(preset.name for preset in presets)
    raise SettingsError(f"{model_name} has no preset {wanted}; its presets: {names}")
