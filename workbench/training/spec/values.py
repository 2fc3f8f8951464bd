"""Turning a parsed TOML table into a settings dataclass, with one clear sentence per mistake.

Why: spec and recipe files are written by people. A typo (``pateince``), a string where a number
belongs or a range given as one number must fail with the file and the key named, never fall back to
a default silently. Every settings dataclass of a spec is built through :func:`build_settings`, which
checks keys and coerces values from the dataclass's own type hints.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any, Mapping, TypeVar

from workbench.core.errors import SettingsError
from workbench.core.toml_file import toml_value

T = TypeVar("T")
DISABLED_WORDS = ("none", "off")  # TOML has no null: an optional setting is switched off with these
# a whole-number setting fits a 32-bit integer: TensorFlow's, the board's (anything larger is a typo, and ended
# in an OverflowError deep in Keras)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _shown(value: Any) -> str:
    """A wrong value as the user wrote it: TOML's spelling (``true``, ``2026-12-05``), text quoted."""
    if isinstance(value, str):
        return repr(value)
    try:
        return toml_value(value)
    except ValueError:
        return repr(value)


def _type_name(kind: Any) -> str:
    return getattr(kind, "__name__", str(kind))


def coerce(value: Any, kind: Any, where: str) -> Any:
    """``value`` as ``kind`` (int, float, bool, str, tuples, dicts, ``X | None``) or SettingsError."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if type(None) in options and (value is None or value in DISABLED_WORDS):
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return coerce(value, option, where)
            except SettingsError as exc:
                errors.append(str(exc))
        raise SettingsError(errors[0] if errors else f"{where}: unexpected value {value!r}")
    if origin is tuple:
        args = typing.get_args(kind)
        if not isinstance(value, (list, tuple)):
            raise SettingsError(f"{where} must be a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(coerce(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise SettingsError(f"{where} must have {len(args)} values, got {len(value)}")
        return tuple(coerce(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
    if origin is dict:
        key_kind, value_kind = typing.get_args(kind)
        if not isinstance(value, Mapping):
            raise SettingsError(f"{where} must be a table of values, got {value!r}")
        return {coerce(k, key_kind, where): coerce(v, value_kind, f"{where}.{k}") for k, v in value.items()}
    if kind is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{where} must be true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if not (isinstance(value, float) and value.is_integer()):
                raise SettingsError(f"{where} must be a whole number, got {_shown(value)}")
            value = int(value)
        if not INT_MIN <= value <= INT_MAX:
            raise SettingsError(f"{where} must be a whole number from {INT_MIN:,} to {INT_MAX:,}, got {value:,}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SettingsError(f"{where} must be a number, got {_shown(value)}")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise SettingsError(f"{where} must be text, got {_shown(value)}")
        return value
    if kind is Any:
        return value
    raise SettingsError(f"{where}: unsupported setting type {_type_name(kind)}")


def build_settings(cls: type[T], table: Mapping[str, Any] | None, where: str) -> T:
    """An instance of the dataclass ``cls`` from ``table``; unknown keys and bad values raise."""
    table = dict(table or {})
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(table) - names)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(names))})")
    values = {key: coerce(value, hints[key], f"{where}.{key}") for key, value in table.items()}
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: {exc}") from None


def settings_table(settings: Any) -> dict[str, Any]:
    """A dataclass as a TOML/JSON-friendly dict (tuples become lists, None values are dropped)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if value is None:
            continue
        if dataclasses.is_dataclass(value):
            value = settings_table(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dict):
            value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
        out[f.name] = value
    return out
