"""File ▸ Save parameters as preset…: the values tuned by ear written as a named preset beside the model's own
parameters. (A menu item only: a third button under the Tuning panel wrapped to a second row at the window's default
size and took the sliders' room.)

Why beside, not instead: the board firmware reads only the model's own parameters, calibrated for one place; values
tuned at a desk suit that desk ("quiet room"), and as a preset they can be chosen again in the Values choice or by
``kws detect --preset`` without changing what the board uses. So the file offered is the model's own when it may be
written (not bundled, a ``.tflite``: a preset beside its own values changes nothing the board uses), else a copy
beside it as "Save into model…" offers one.

What is offered (:func:`offered_preset`): when the values came from a preset chosen in the Values choice and were
changed since, that preset's name -- the user refined it, and the dialog says Save replaces it -- else "tuned"
(``tuned_2``, ``tuned_3``… when taken); the description says where they were tuned and what they are.

Written as the window's own save writes (:func:`save_parameters_as_preset`): atomically, never over a bundled model,
onto the open model's own file only as it was read (another tool's changes since are never undone). Written into
that file, the window's model becomes the file as it now reads, so that the Values choice offers the preset at once
-- and shows it, the values in force being it -- while the sliders keep their values.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from workbench.bundled_models import is_bundled_model
from workbench.calibration.results.report import describe_set
from workbench.core.detection.presets import preset_name
from workbench.core.detection.tuning import save_preset_into_model
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import TFLITE_SUFFIX, changed_on_disk, load_model, model_copy_path
from workbench.gui.file_dialogs import notify_board_problems, tuned_copy
from workbench.gui.model.preset_save_dialog import (PresetSaveChoice, PresetSaveDialog, PresetSaveWording,
                                                    preset_names_in)
from workbench.gui.model_loader import ModelChangedOnDisk
from workbench.output_guard import check_output_file, same_file

TUNED_NAME = "tuned"
FIRST_NUMBERED = 2  # "tuned" taken: tuned_2 comes next
TUNED_DESCRIPTION = "tuned in the Live workspace: {values}"
NOTHING_TO_SAVE = "Nothing to save as a preset: open a model that can stream (File ▸ Open model…) and tune it."
WORDING = PresetSaveWording(
    title="Save the parameters as a preset",
    intro=("Saves the detection parameters in force as a named preset beside the model's own parameters, which the "
           "board uses: they stay as they are."),
    replaces_preset="The model has a preset {name} already: Save replaces it with the values in force.",
    into_own="Save writes the preset into the model's own file; what the board uses there stays as it is.",
    replaces_file="{name} exists: Save replaces it with a copy of the model that carries the preset.",
)


def unused_name(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name_2``, ``name_3``… the first that ``taken`` does not hold."""
    number, candidate = FIRST_NUMBERED, name
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    return candidate


def offered_preset(window: Any) -> PresetSaveChoice:
    """What the dialog offers for the values tuned in ``window`` (the module docstring says why)."""
    model, tuning = window.controller.model, window.controller.tuning
    refined = window.tuning_panel.preset_choice.refined_preset
    name = refined if refined is not None else unused_name(TUNED_NAME, preset_names_in(model.params))
    description = TUNED_DESCRIPTION.format(values=describe_set(tuning.settings, tuning.classes))
    own = _own_file(window)
    writable = own.suffix == TFLITE_SUFFIX and not is_bundled_model(own)
    return PresetSaveChoice(name, description, own if writable else tuned_copy(own))


def _own_file(window: Any) -> Path:
    """The file the open model was read from."""
    path = getattr(window.controller.model, "path", None)
    return Path(path) if path is not None else window.model_path


def choose_save_as_preset(window: Any) -> PresetSaveDialog | None:
    """Open the dialog asking for the preset's name, description and file (filled in, :func:`offered_preset`);
    Save writes the values in force as that preset. The dialog opened, or None (said) when nothing is tuned."""
    if window.controller.tuning is None or window.controller.live_reason is not None:
        window.show_error(NOTHING_TO_SAVE)
        return None
    own = _own_file(window)
    dialog = PresetSaveDialog(offered_preset(window), own, WORDING, preset_names_in(window.controller.model.params),
                              window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def save_chosen() -> None:
        chosen = dialog.choice()  # (never None: Save is enabled only with a choice)
        if chosen is not None:
            save_parameters_as_preset(window, chosen.model_file, chosen.name, chosen.description)

    dialog.accepted.connect(save_chosen)
    dialog.open()
    return dialog


def save_parameters_as_preset(window: Any, path: str | Path, name: str, description: str) -> Path | None:
    """Write the values in force as the preset ``name`` (with ``description``) into a copy of the open model at
    ``path`` (``.tflite`` added to a name without a suffix), or into its own file; the file written, None after a
    message. Never over a bundled model; onto the own file only as it was read."""
    controller = window.controller
    model, tuning = controller.model, controller.tuning
    if model is None or tuning is None:
        window.show_error(NOTHING_TO_SAVE)
        return None
    try:
        preset, target = preset_name(name), model_copy_path(path)
        check_output_file(target, [], option=None)
        into_own = getattr(model, "path", None) is not None and same_file(target, Path(model.path))
        if into_own and changed_on_disk(model):  # writing the model as read would undo another tool's changes
            raise ModelChangedOnDisk(target)
        written = save_preset_into_model(model, preset, tuning.settings, description, target)
        if into_own:  # the views that read the file follow; the tuning (the sliders) goes on as it is
            controller.follow_rewritten_file(replace(load_model(written), name=model.name))
    except WorkbenchError as exc:
        window.show_error(str(exc))
        return None
    window.show_status(f"saved preset {preset} into {written}")
    window.remember_model_file(written)
    notify_board_problems(window, written)
    return written
