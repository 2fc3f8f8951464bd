"""The live detection parameters a user tunes while the stream runs, and writing them into a model.

Why a model object of its own (napari style): the tuning panel, keyboard shortcuts, a saved session
and tests all change the same values, and the engine must see every change on its next inference.
:class:`DetectionTuning` holds the current :class:`DetectionSettings` next to the model's own values,
validates every change through ``DetectionSettings`` (a bad value raises ``SettingsError`` and
changes nothing) and calls its ``changed`` listeners with the new settings -- only when something
really changed, so a slider sending the same value twice never re-configures the engine.

Per-class thresholds. The firmware (MLTK ``recognize_commands.cc``) uses
``detection_threshold_list[top_class]`` instead of ``detection_threshold`` whenever the list is
present, for *every* class, and refuses a list whose length differs from the class count. The
workbench offers "use the global threshold" per class instead, so a list is written only when at
least one class has its own value, and classes that "use global" get the global value in it (which
is exactly what the firmware then does). Reading a model's list, an entry equal to the global
threshold is taken as "use global", since it behaves the same.

:func:`save_settings_into_model` writes a copy of a model with the tuned values in its SL_PARAMSv1
metadata, atomically, so the board firmware uses them; :func:`save_preset_into_model` writes them as a named
preset beside the model's own values instead (:mod:`workbench.core.detection.presets`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.detection.presets import preset_params
from workbench.core.detection.settings import (
    INT_PARAMETER_MAX, MIN_LATENCY_MS, DetectionSettings, threshold_list_length_error,
)
from workbench.core.errors import SettingsError
from workbench.core.model.model_file import LoadedModel, model_with_params, save_model

THRESHOLD_MIN = 0
THRESHOLD_MAX = 255  # scores are uint8 on the board: int8 output + 128
THRESHOLD_LIST_FIELD = "detection_threshold_list"
GLOBAL_THRESHOLD_FIELD = "detection_threshold"
# the spin boxes reach as far as DetectionSettings accepts, so a model's value is shown as it is used, never capped
SPIN_MAXIMUM = INT_PARAMETER_MAX
# a float parameter is stored as a float32 (about 7 significant digits): a box keeping 7 decimals holds every
# stored gain as it is (1.25 and 0.04, not 1.3 and 0.0); it shows no more of them than the value needs
FLOAT_DECIMALS = 7

SettingsListener = Callable[[DetectionSettings], None]


class SettingsChanged:
    """A tiny event: ``connect(callback)``, ``disconnect(callback)``, ``emit(settings)``.

    Listeners are called in connection order on the thread that made the change; an exception in
    one propagates (a listener bug should not be hidden).
    """

    def __init__(self) -> None:
        self._listeners: list[SettingsListener] = []

    def connect(self, listener: SettingsListener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def disconnect(self, listener: SettingsListener) -> None:
        """Remove ``listener``; unknown listeners are ignored (disconnect may run twice on teardown)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, settings: DetectionSettings) -> None:
        for listener in list(self._listeners):
            listener(settings)

    def __len__(self) -> int:
        return len(self._listeners)


@dataclass(frozen=True)
class ParameterSpec:
    """How a detection parameter is shown and bounded in the UI, and what the firmware does with it.

    ``minimum``/``maximum`` bound the spin box: what :class:`DetectionSettings` accepts (a spin box that
    capped a value would show one value while another is in force); ``slider_maximum`` bounds the slider
    (the useful range, so a drag has resolution), the spin box reaches beyond it. ``decimals`` > 0 means
    float, kept to that many decimals.
    """

    name: str
    label: str
    unit: str
    minimum: float
    maximum: float
    slider_maximum: float
    step: float
    decimals: int
    help: str


PARAMETER_SPECS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        GLOBAL_THRESHOLD_FIELD, "Detection threshold", "", THRESHOLD_MIN, THRESHOLD_MAX, THRESHOLD_MAX, 1, 0,
        "Score (0–255) the averaged top class must exceed to count as a detection. The board maps the "
        "model's int8 output to 0–255 by adding 128. Higher: fewer false alarms, more misses."),
    ParameterSpec(
        "average_window_duration_ms", "Averaging window", "ms", 0, SPIN_MAXIMUM, 3_000, 10, 0,
        "The recognizer averages each class's scores over the results of the last this-many "
        "milliseconds, then picks the top class. Longer: steadier decisions that react later."),
    ParameterSpec(
        "suppression_ms", "Suppression", "ms", 0, SPIN_MAXIMUM, 5_000, 10, 0,
        "After a detection the same class cannot trigger again for this long (another class can). "
        "At 1 ms or less the firmware instead resets the audio frontend after each detection."),
    ParameterSpec(
        "minimum_count", "Minimum count", "", 0, SPIN_MAXIMUM, 50, 1, 0,
        "Fewest results that must be inside the averaging window; with fewer the board reports no "
        "detection (inference too slow for the window). 0 disables averaging: only the latest "
        "result counts."),
    ParameterSpec(
        "volume_gain", "Volume gain", "×", 0.0, float(SPIN_MAXIMUM), 20.0, 0.1, FLOAT_DECIMALS,
        "The board multiplies microphone samples by the integer part of this factor (1 or less: "
        "unchanged) without saturation, so too much gain wraps loud sounds around. Applies to the "
        "microphone, not to file playback."),
    ParameterSpec(
        "latency_ms", "Inference interval", "ms", MIN_LATENCY_MS, SPIN_MAXIMUM, 1_000, 10, 0,
        "The firmware's loop period: it turns new audio into spectrogram rows and runs the model "
        "every this-many milliseconds (at least 10 ms on PC builds). Longer: fewer inferences, fewer "
        "results per averaging window, later detections."),
)
CLASS_THRESHOLD_HELP = (
    "This class's own detection threshold. The board uses detection_threshold_list (one entry per "
    "class) instead of the global threshold whenever the list exists; classes that use the global "
    "threshold get its value in the list.")


def parameter_spec(name: str) -> ParameterSpec:
    for spec in PARAMETER_SPECS:
        if spec.name == name:
            return spec
    raise SettingsError(f"there is no detection parameter named {name!r}")


class DetectionTuning:
    """The live detection settings of one model: current values, the model's values, per-class overrides.

    ``changed`` (a :class:`SettingsChanged`) is emitted with the new settings after every change
    that alters them; the main window forwards it to ``Engine.set_detection_settings``.
    """

    def __init__(self, model_defaults: DetectionSettings, current: DetectionSettings | None = None,
                 classes: Sequence[str] = ()) -> None:
        self._classes = tuple(str(c) for c in classes)
        self._model_defaults = self._checked(model_defaults)
        self._settings = self._checked(current if current is not None else model_defaults)
        self._overrides = self._overrides_of(self._settings)
        self.changed = SettingsChanged()

    # -- state ------------------------------------------------------------------------------------
    @property
    def settings(self) -> DetectionSettings:
        """The settings in force now (what the engine should use)."""
        return self._settings

    @property
    def model_defaults(self) -> DetectionSettings:
        """The values stored in the model file (what "reset" returns to)."""
        return self._model_defaults

    @property
    def classes(self) -> tuple[str, ...]:
        return self._classes

    @property
    def class_count(self) -> int:
        """Number of per-class thresholds: the classes, or the model list's length if no names."""
        return len(self._overrides)

    @property
    def is_modified(self) -> bool:
        """True when the current settings differ from the model's."""
        return self._settings != self._model_defaults

    def class_threshold(self, index: int) -> int | None:
        """Class ``index``'s own threshold, or None when it uses the global one."""
        return self._overrides[self._class_index(index)]

    def effective_class_threshold(self, index: int) -> int:
        """The threshold the firmware applies when class ``index`` is the top class."""
        own = self.class_threshold(index)
        return own if own is not None else int(self._settings.detection_threshold)

    # -- changes ----------------------------------------------------------------------------------
    def set(self, **changes: Any) -> bool:
        """Change parameters by name; returns True if anything changed (then ``changed`` fired).

        Raises :class:`SettingsError` for an unknown name or an invalid value (nothing changes then).
        """
        known = {f.name for f in dataclasses.fields(DetectionSettings)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SettingsError(f"unknown detection parameter {unknown[0]!r}; known: {', '.join(sorted(known))}")
        if THRESHOLD_LIST_FIELD in changes:
            new = self._checked(self._replace(self._settings, **changes))
            overrides = self._overrides_of(new)
        else:
            overrides = self._overrides
            new = self._replace(self._settings, **changes)
            if GLOBAL_THRESHOLD_FIELD in changes and self._settings.detection_threshold_list is not None:
                new = self._replace(new, detection_threshold_list=self._list_for(overrides, new))
        return self._apply(new, overrides)

    def set_class_threshold(self, index: int, value: int | None) -> bool:
        """Give class ``index`` its own threshold (0–255), or None to use the global one."""
        index = self._class_index(index)
        if value is not None:
            value = self._check_threshold(value)
        overrides = list(self._overrides)
        overrides[index] = value
        new = self._replace(self._settings, detection_threshold_list=self._list_for(overrides, self._settings))
        return self._apply(new, overrides)

    def reset_to_model(self) -> bool:
        """Return to the model's values (fires ``changed`` if that is a change)."""
        return self._apply(self._model_defaults, self._overrides_of(self._model_defaults))

    def replace_model_defaults(self, model_defaults: DetectionSettings) -> None:
        """The model file now holds ``model_defaults`` (e.g. after saving); ``is_modified`` follows."""
        self._model_defaults = self._checked(model_defaults)

    # -- internals --------------------------------------------------------------------------------
    def _apply(self, new: DetectionSettings, overrides: Sequence[int | None]) -> bool:
        self._overrides = tuple(overrides)
        if new == self._settings:
            return False
        self._settings = new
        self.changed.emit(new)
        return True

    @staticmethod
    def _replace(settings: DetectionSettings, **changes: Any) -> DetectionSettings:
        try:
            return settings.replace(**changes)
        except SettingsError:
            raise
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"invalid detection parameter: {exc}") from exc

    def _checked(self, settings: DetectionSettings) -> DetectionSettings:
        thresholds = settings.detection_threshold_list
        length_error = threshold_list_length_error(thresholds, len(self._classes)) if self._classes else None
        if length_error:
            raise SettingsError(length_error)
        return settings

    def _overrides_of(self, settings: DetectionSettings) -> tuple[int | None, ...]:
        thresholds = settings.detection_threshold_list
        if thresholds is None:
            return (None,) * len(self._classes)
        glob = int(settings.detection_threshold)
        return tuple(None if int(t) == glob else int(t) for t in thresholds)

    @staticmethod
    def _list_for(overrides: Sequence[int | None], settings: DetectionSettings) -> tuple[int, ...] | None:
        if all(o is None for o in overrides):
            return None
        glob = int(settings.detection_threshold)
        return tuple(glob if o is None else int(o) for o in overrides)

    def _class_index(self, index: int) -> int:
        if not 0 <= int(index) < len(self._overrides):
            raise SettingsError(f"class index {index} is out of range (the model has "
                                f"{len(self._overrides)} classes)")
        return int(index)

    @staticmethod
    def _check_threshold(value: int) -> int:
        if isinstance(value, bool) or int(value) != value or not THRESHOLD_MIN <= int(value) <= THRESHOLD_MAX:
            raise SettingsError(f"a class threshold must be a whole number {THRESHOLD_MIN}–{THRESHOLD_MAX}, "
                                f"got {value}")
        return int(value)


def save_settings_into_model(model: LoadedModel, settings: DetectionSettings, path: str | Path) -> Path:
    """Write a copy of ``model`` (a LoadedModel) whose SL_PARAMSv1 metadata holds ``settings``.

    Every other parameter is kept; a ``detection_threshold_list`` the settings no longer have is
    removed; each value keeps the type the model stores it with (MLTK's on_off_v3 ``volume_gain`` 0.0 stays
    a float). The write is atomic (the board tool never sees half a file). Returns the path written.
    Raises :class:`ModelError` / :class:`WorkbenchError` when the model cannot be rebuilt or written.
    What the board firmware would still refuse in the copy (no class names, ...) is
    :func:`workbench.core.detection.settings.board_problems` of its parameters; callers say it to the user.
    """
    params: dict[str, Any] = {THRESHOLD_LIST_FIELD: None}  # None removes it unless the settings set it
    params.update(settings.to_params(model.params))
    save_model(model_with_params(model, params), path)
    return Path(path)


def save_preset_into_model(model: LoadedModel, name: str, settings: DetectionSettings, description: str,
                           path: str | Path) -> Path:
    """Write a copy of ``model`` that carries ``settings`` as its preset ``name`` (replacing one of that name), its
    own parameters -- those the board uses -- unchanged; atomically, as :func:`save_settings_into_model` writes."""
    save_model(model_with_params(model, preset_params(name, settings, description, model.params)), path)
    return Path(path)
