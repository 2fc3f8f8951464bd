"""Spec settings named by dotted path, and how a value lands in a spec table.

Why dotted paths: every setting a spec file holds can be named without a vocabulary of its own --
``training.learning_rate``, ``augmentation.mask_share``, ``data.unknown_percentage``, ``layers.1.filters``
(the first layer's filters). The sweeps search and fix settings by such paths, ``kws train --set`` changes
one for a run without a spec file of its own, and ``kws specs --settings`` lists them all. A path is checked
against the spec's own settings dataclasses and layer options, so a typo is an error naming the key before
anything trains; the value is then checked by the spec's own parsing, as if the file had said it.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any, Mapping, Sequence

from workbench.core.errors import SettingsError
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.toml_file import toml_or_text
from workbench.spec_files import load_spec_table
from workbench.training.spec.layers import LAYER_OPTIONS
from workbench.training.spec.model_spec import (AugmentationSettings, ConversionSettings, DataSettings,
                                                DetectionDefaults, ModelSpec, TrainingSettings, spec_from_table)
from workbench.training.spec.values import DISABLED_WORDS

LAYERS = "layers"
SECTIONS: dict[str, type] = {"training": TrainingSettings, "data": DataSettings,
                             "augmentation": AugmentationSettings, "frontend": FrontendSettings,
                             "detection": DetectionDefaults, "conversion": ConversionSettings}
ASSIGNMENT = "="
OFF = DISABLED_WORDS[-1]  # how a listing shows a setting that is switched off ("off" reads back as None)
# settings whose None is not "off" but a choice the run makes, shown (and read back) as the spec file says it
NONE_SHOWN_AS = {"detection.detection_threshold": "auto"}


def path_depth_reached(path: str) -> bool:
    """True when ``path`` names a whole setting (``section.setting`` or ``layers.N.option``)."""
    parts = path.split(".")
    return len(parts) >= (3 if parts[0] == LAYERS else 2)


def check_path(path: str, layers: list[Mapping[str, Any]], where: str) -> None:
    """SettingsError unless ``path`` names a setting of the spec whose ``[[layers]]`` are ``layers``."""
    parts = path.split(".")
    if parts[0] == LAYERS:
        if len(parts) != 3 or not parts[1].isdigit():
            raise SettingsError(f"{where}: {path!r}: a layer setting is layers.N.OPTION (N counts from 1)")
        number = int(parts[1])
        if not 1 <= number <= len(layers):
            raise SettingsError(f"{where}: {path!r}: the spec has {len(layers)} layers, no layer {number}")
        kind = str(layers[number - 1].get("type"))
        options = LAYER_OPTIONS.get(kind, {})
        if parts[2] not in options:
            raise SettingsError(f"{where}: {path!r}: layer {number} is {kind}, whose options are "
                                f"{', '.join(options) or 'none'}")
        return
    section = SECTIONS.get(parts[0])
    if section is None or len(parts) != 2:
        raise SettingsError(f"{where}: {path!r} is not a spec setting: use SECTION.SETTING with SECTION one of "
                            f"{', '.join(SECTIONS)}, or layers.N.OPTION")
    names = [f.name for f in dataclasses.fields(section)]
    if parts[1] not in names:
        raise SettingsError(f"{where}: {path!r}: [{parts[0]}] has no setting {parts[1]!r} "
                            f"(known: {', '.join(names)})")


def apply_values(table: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the spec ``table`` with each dotted path set to its value (paths already checked)."""
    result = copy.deepcopy(dict(table))
    for path, value in values.items():
        parts = path.split(".")
        if parts[0] == LAYERS:
            layers = result[LAYERS]
            layers[int(parts[1]) - 1][parts[2]] = value
        else:
            section = dict(result.get(parts[0]) or {})
            section[parts[1]] = value
            result[parts[0]] = section
    return result


def parse_assignment(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` as (path, value): the value as TOML writes it (``0.5``, ``[0.0, 1.0]``, ``true``,
    ``"text"``), or else the text as it is (``off``, a file name), so a shell user need not quote strings."""
    path, sep, value = text.partition(ASSIGNMENT)
    path = path.strip()
    if not sep or not path:
        raise SettingsError(f"--set {text!r}: write SECTION.SETTING=VALUE, e.g. augmentation.mask_share=0.5")
    return path, toml_or_text(value)


def spec_with_settings(name_or_path: str | Path, settings: Sequence[tuple[str, Any]]) -> ModelSpec:
    """The spec ``name_or_path`` with each ``(path, value)`` of ``settings`` set, checked as its file would be.

    Messages name the spec file and ``--set``: the value was not written in the file, so "spec.toml: [training]
    learning_rate ..." alone would send the user to a file that does not hold it.
    """
    table, path = load_spec_table(name_or_path)
    where = f"{path.name} with --set" if settings else path.name  # an error of the file itself names only it
    layers = table.get(LAYERS) if isinstance(table.get(LAYERS), list) else []
    for setting, _value in settings:
        check_path(setting, layers, where)
    return spec_from_table(apply_values(table, dict(settings)), where, source=path)


def _plain(value: Any) -> Any:
    """A setting's value as a spec file writes it: tuples as lists, None as ``off``."""
    if value is None:
        return OFF
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def setting_values(spec: ModelSpec) -> dict[str, Any]:
    """Every setting of ``spec`` by dotted path, in the spec's order, with the value it trains with: what a
    user may change with ``--set`` (each path and value reads back as the same spec; tested)."""
    values: dict[str, Any] = {}
    for section in SECTIONS:
        settings = getattr(spec, section)
        for f in dataclasses.fields(settings):
            path, value = f"{section}.{f.name}", getattr(settings, f.name)
            values[path] = NONE_SHOWN_AS[path] if value is None and path in NONE_SHOWN_AS else _plain(value)
    for number, layer in enumerate(spec.layers, start=1):
        for option, value in layer.options:
            values[f"{LAYERS}.{number}.{option}"] = _plain(value)
    return values
