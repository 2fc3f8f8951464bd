"""A model parameter typed as text -- ``kws params KEY=VALUE``, a cell of the Model view's table -- as the value
the firmware will read.

Why one parser for the command line and the window: the firmware reads a list parameter only when it is
stored as exactly that list type, and casts stored scalars, so what a typed value becomes decides whether
the board uses it. Both places must turn the same text into the same value and refuse the same text with
the same sentence.

A parameter the firmware reads (:data:`PARAMETER_KINDS`) takes its kind, also where the model does not hold
it yet (``detection_threshold_list`` on a model with one global threshold would otherwise be stored as the
string ``"180,200"``); so does a preset's (``preset.quiet_room.detection_threshold_list``,
:mod:`workbench.core.detection.presets`), whose description is text as typed; any other key takes the type of the
value it replaces, or a guess for a new key.

Whole numbers are refused here, naming the key, when they cannot be read back: the firmware reads its
integer parameters and the entries of ``detection_threshold_list`` as int32 (``audio_classifier_config.cc``
keeps them in ``int`` / ``Int32List``), and ``SL_PARAMSv1`` (``params_dictionary.py``) stores any other integer
in at most 64 bits and integer lists only as int32 lists. Refusing at the parse, not at the write, gives the
Model view's cell and ``kws params`` the same sentence, and keeps the cell from taking a value in use that
"Save into model" could never write.

Class names must differ (:data:`CLASSES_KEY`): each output of the model stands for one class, and a repeated
name makes two outputs one keyword for every later step (``kws detect --labels``, ``kws calibrate``).

:func:`unknown_key_problem` names a key nobody reads -- a typo such as ``detection_treshold`` would otherwise be
stored beside the real key, which keeps its value -- with the closest key that is read. Besides the firmware's and
MLTK's keys, the workbench reads keys of its own (:data:`WORKBENCH_CHOICES`), each with the few values it takes:
``features_dtype=int8`` is how a float model trained on the int8 spectrogram is fed it (training writes it into
its float twin; a float model from elsewhere needs it typed), so it must be writable without ``--allow-new-keys``
and refused when it says something :mod:`workbench.core.model.inference` would not act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from workbench.core.detection.settings import (
    CLASSES_KEY, KIND_BOOL, KIND_FLOAT, KIND_INT, KIND_INT_LIST, KIND_NUMBER, KIND_STR_LIST, PARAMETER_KINDS,
)
from workbench.core.detection.presets import DESCRIPTION, preset_parameter
from workbench.core.errors import SettingsError, closest_name
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.inference import FEATURES_DTYPE_KEY

LIST_SEPARATOR = ","
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "on"), ("false", "no", "off")
INT32_RANGE = (-(2**31), 2**31 - 1)  # what the firmware reads an integer parameter or list entry as
STORABLE_INT_RANGE = (-(2**63), 2**64 - 1)  # what SL_PARAMSv1 can store a scalar integer as (i64 .. u64)
# what MLTK writes into every model it trains besides the firmware's detection and fe.* keys (the firmware
# prints the first ones at start-up; samplewise_norm.* describe the model's input normalisation)
MLTK_METADATA_KEYS = ("name", "version", "hash", "date", "runtime_memory_size", "description",
                      "samplewise_norm.rescale", "samplewise_norm.mean_and_std")
# what the workbench alone reads, with the values each takes and what they mean (inference.ModelRunner: a float32
# model with "int8" is fed the int8 spectrogram; "uint16", the raw spectrogram, is what it is fed without the key)
FEATURES_DTYPES = {"int8": "a float32 model fed the int8 spectrogram",
                   "uint16": "the raw spectrogram, as without the key"}
WORKBENCH_CHOICES: dict[str, dict[str, str]] = {FEATURES_DTYPE_KEY: FEATURES_DTYPES}


def number_text(value: float) -> str:
    """A float parameter as stored and as every view shows it (``kws params``, ``kws info``, the Model view, the
    Tuning panel): a float32 in its shortest form (1.2345679, not 1.2345678806 or 1.23457), any other float in
    the shortest form that reads back as it; always with its decimal point (7500.0), as it is not an integer."""
    with np.errstate(over="ignore"):  # beyond float32 (1e40) the cast gives inf: said as the float, never warned
        single = np.float32(value)
    return repr(float(str(single))) if float(single) == value else repr(float(value))


def known_keys() -> tuple[str, ...]:
    """Every key the firmware reads, MLTK writes or the workbench reads, whether a model holds it or not."""
    return (*PARAMETER_KINDS, *FrontendSettings().to_params(), *MLTK_METADATA_KEYS, *WORKBENCH_CHOICES)


def unknown_key_problem(key: str, stored: Iterable[str]) -> str | None:
    """None for a key the firmware reads, MLTK writes or the model already holds (``stored``: its keys); else
    one sentence saying nothing reads ``key``, with the closest such key (case aside) when there is one."""
    stored_keys = list(stored)
    candidates = list(dict.fromkeys([*known_keys(), *stored_keys]))
    if key in candidates:
        return None
    close = closest_name(key, candidates)
    suggestion = f" (did you mean {close}?)" if close else ""
    return f"neither the board firmware nor MLTK reads a parameter {key}{suggestion}"


def parse_parameter(key: str, text: str, current: Any) -> Any:
    """The value ``text`` stands for as parameter ``key`` whose stored value is ``current`` (None: not stored).

    None means: remove the parameter (an empty list value, ``detection_threshold_list=``). Raises
    :class:`SettingsError` naming what the key takes.
    """
    parameter = preset_parameter(key) or key  # a preset's value is read as the model's own of that name
    if parameter == DESCRIPTION:
        return text.strip() or None
    kind = PARAMETER_KINDS.get(parameter)
    if kind is not None:
        return _parse_kind(key, kind, text, current)
    if key in WORKBENCH_CHOICES:
        return _parse_choice(key, text, WORKBENCH_CHOICES[key])
    if current is None:
        return _in_range(key, _guess(text), STORABLE_INT_RANGE, text)
    if isinstance(current, bool):
        return _parse_bool(key, text)
    if isinstance(current, (int, float)):
        number = _parse_number(key, text.strip(), isinstance(current, float))
        return _in_range(key, number, STORABLE_INT_RANGE, text)
    if isinstance(current, list):
        items = _list_items(text)
        if current and all(isinstance(v, str) for v in current):
            return items
        if current and all(isinstance(v, int) for v in current):
            return _whole_numbers(key, items, text)
        if current:
            return [float(_parse_number(key, s, True)) for s in items]
        guesses = [_guess(s) for s in items]
        if guesses and all(isinstance(v, int) and not isinstance(v, bool) for v in guesses):
            return _whole_numbers(key, items, text)  # stored as an int32 list: the entries must fit one
        return guesses
    if isinstance(current, bytes):
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise SettingsError(f"{key} takes hexadecimal bytes, got {text!r}") from None
    return text


def _parse_kind(key: str, kind: str, text: str, current: Any) -> Any:
    """A value for a parameter the firmware reads, typed by what the key is; a stored number keeps its own
    type (an MLTK ``volume_gain`` 0.0 stays a float). Only the class names cannot be removed: the firmware
    cannot do without them."""
    if kind == KIND_BOOL:
        return _parse_bool(key, text)
    if kind == KIND_INT:
        bounds = _int_bounds(preset_parameter(key) or key)
        return _in_range(key, _parse_number(key, text.strip(), False), INT32_RANGE, text, bounds)
    if kind == KIND_FLOAT:
        return _parse_number(key, text.strip(), True)
    if kind == KIND_NUMBER:
        number = _parse_number(key, text.strip(), isinstance(current, float) and not isinstance(current, bool))
        low, high = INT32_RANGE  # beyond int32 a whole number stays a float: SL_PARAMSv1 holds it, the firmware casts
        return float(number) if isinstance(number, int) and not low <= number <= high else number
    items = _list_items(text)
    if kind == KIND_STR_LIST:
        if not items:
            raise SettingsError(f"{key} needs at least one name (comma-separated), got {text!r}")
        repeated = list(dict.fromkeys(item for item in items if items.count(item) > 1))
        if key == CLASSES_KEY and repeated:
            raise SettingsError(f"{key} names {', '.join(repeated)} more than once: give every output of the "
                                "model its own class name")
        return items
    return _whole_numbers(key, items, text) if items else None


def _parse_choice(key: str, text: str, choices: dict[str, str]) -> str | None:
    """One of a workbench key's values (any case; stored as listed), None (removed) for nothing."""
    value = text.strip().lower()
    if not value:
        return None
    if value not in choices:
        said = " or ".join(f"{name} ({meaning})" for name, meaning in choices.items())
        raise SettingsError(f"{key} takes {said}, got {text!r}")
    return value


def _int_bounds(key: str) -> tuple[int, int]:
    """The range a message offers for a whole-number parameter the firmware reads: a detection parameter's own
    (what the settings accept: a negative suppression is refused, so the message must not offer one), else the
    int32. (The parse itself refuses only what cannot be stored; the settings then refuse the rest, naming why.)"""
    from workbench.core.detection.tuning import parameter_spec

    try:
        spec = parameter_spec(key)
    except SettingsError:
        return INT32_RANGE
    return int(spec.minimum), int(spec.maximum)


def _list_items(text: str) -> list[str]:
    return [s.strip() for s in text.split(LIST_SEPARATOR) if s.strip()]


def _whole_numbers(key: str, items: list[str], text: str) -> list[int]:
    """An integer list, as the firmware reads ``detection_threshold_list`` (``1e2`` is 100; ``1.5`` is refused):
    an int32 list, the only integer list ``SL_PARAMSv1`` stores."""
    numbers: list[int] = []
    low, high = INT32_RANGE
    for item in items:
        try:
            number = _parse_number(key, item, False)
        except SettingsError:
            number = None
        if not isinstance(number, int):
            raise SettingsError(f"{key} takes a {KIND_INT_LIST}, got {text!r}")
        if not low <= number <= high:
            raise SettingsError(f"{key} takes a {KIND_INT_LIST} from {low:,} to {high:,}, got {text!r}")
        numbers.append(number)
    return numbers


def _in_range(key: str, value: Any, bounds: tuple[int, int], text: str, said: tuple[int, int] | None = None) -> Any:
    """``value``, unless it is a whole number outside ``bounds`` (then one sentence naming the key and the range
    ``said``, by default ``bounds``)."""
    low, high = bounds
    if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
        low, high = said or bounds
        raise SettingsError(f"{key} takes a whole number from {low:,} to {high:,}, got {text!r}")
    return value


def _parse_bool(key: str, text: str) -> bool:
    low = text.strip().lower()
    if low not in TRUE_WORDS + FALSE_WORDS:
        raise SettingsError(f"{key} takes true or false ({'/'.join(TRUE_WORDS[1:])} or "
                            f"{'/'.join(FALSE_WORDS[1:])} too), got {text!r}")
    return low in TRUE_WORDS


def _parse_number(key: str, text: str, want_float: bool) -> int | float:
    """A float, or an integer where one is replaced (``1e2`` and ``100.0`` too: the firmware reads an int32).

    A fraction where an integer was (``volume_gain=1.5`` over ``1``) is stored as a float; the settings'
    checks refuse it where only an integer makes sense.
    """
    try:
        return float(text) if want_float else int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{key} takes a number, got {text!r}") from None
    return int(value) if not want_float and value.is_integer() else value


def _guess(text: str) -> Any:
    """A value for a key the model does not have yet: bool word, int, float, else string."""
    if text.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return text.strip().lower() in TRUE_WORDS
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return text
