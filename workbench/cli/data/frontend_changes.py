"""``kws features --set fe.NAME=VALUE``: frontend settings other than a model's, to see what they make of audio.

Why here and not ``kws params``: ``kws params`` writes a model, so it refuses settings that would no longer fill
the model's input; to choose settings before training (what MLTK's ``view_audio`` is for) any setting the
frontend runs with must be seen. Nothing is written into a model, so only the frontend's own checks apply.

The text is read as ``kws params fe.NAME=TEXT`` reads it (:func:`parse_parameter`, typed by the setting's
current value), so the same text means the same value everywhere; the settings together are checked by
:class:`FrontendSettings` itself, whose sentences name the setting and the range it takes. Both are imported where
they are used: ``kws features`` registers ``--set`` from here, and its ``--help`` loads neither numpy nor LiteRT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from workbench.core.errors import SettingsError, closest_name

if TYPE_CHECKING:
    from workbench.core.frontend_settings import FrontendSettings

SET_OPTION = "--set"
ASSIGNMENT = "="
EXAMPLE = "fe.window_step_ms=10"


def settings_with_changes(base: FrontendSettings, texts: Sequence[str]) -> FrontendSettings:
    """``base`` with each ``fe.NAME=VALUE`` of ``texts`` applied (a later one of the same name wins).

    Raises :class:`SettingsError` for an assignment that is not one, a name that is no frontend setting (with
    the closest that is), a value of the wrong kind, or settings the frontend cannot run with.
    """
    from workbench.core.detection.parameter_text import parse_parameter
    from workbench.core.frontend_settings import PARAM_PREFIX, FrontendSettingsError

    current = base.to_params()
    changes: dict[str, Any] = {}
    for text in texts:
        key, value = _assignment(text, current)
        try:
            changes[key[len(PARAM_PREFIX):]] = parse_parameter(key, value, current[key])
        except SettingsError as exc:
            raise SettingsError(f"{SET_OPTION} {text}: {exc}") from None
    if not changes:
        return base
    try:
        return base.replace(**changes)  # fft_length follows the window unless it is set too
    except FrontendSettingsError as exc:
        given = " ".join(f"{SET_OPTION} {text}" for text in texts)
        raise SettingsError(f"the frontend cannot run with {given}: {exc}") from None


def changed_params(settings: FrontendSettings, base: FrontendSettings) -> dict[str, tuple[Any, Any]]:
    """``{fe.NAME: (value, base's value)}`` for every setting that differs, in the settings' own order (a
    derived one too: a longer window changes ``fe.fft_length``)."""
    before = base.to_params()
    return {key: (value, before[key]) for key, value in settings.to_params().items() if value != before[key]}


def changes_text(changed: dict[str, tuple[Any, Any]], whose: str) -> str:
    """``fe.window_step_ms=10 (kws_yes_no: 20), ...``: the changes and what ``whose`` settings hold instead."""
    return ", ".join(f"{key}={_shown(value)} ({whose}: {_shown(was)})" for key, (value, was) in changed.items())


def _shown(value: Any) -> str:
    """A setting's value as ``kws params`` prints it (``true``, ``7500.0``, ``0.95``), so it can be typed back."""
    from workbench.core.detection.parameter_text import number_text

    if isinstance(value, bool):
        return "true" if value else "false"
    return number_text(value) if isinstance(value, float) else str(value)


def _assignment(text: str, current: dict[str, Any]) -> tuple[str, str]:
    """(``fe.NAME``, value text) of one ``--set``; SettingsError naming what was meant when it is none."""
    from workbench.core.frontend_settings import PARAM_PREFIX

    key, sep, value = text.partition(ASSIGNMENT)
    key = key.strip()
    if not sep or not key:
        raise SettingsError(f"{SET_OPTION} {text!r}: write fe.NAME=VALUE, e.g. {EXAMPLE}")
    if key in current:
        return key, value
    prefixed = key if key.startswith(PARAM_PREFIX) else PARAM_PREFIX + key
    meant = prefixed if prefixed in current else closest_name(prefixed, current)
    hint = f" (did you mean {meant}?)" if meant else ""
    raise SettingsError(f"{SET_OPTION} {text}: {key} is not a frontend setting{hint}; "
                        "kws params kws_yes_no lists them all (the fe.* lines)")
