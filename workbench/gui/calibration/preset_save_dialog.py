"""The Calibration workspace's "Save selected set as preset…" question: the preset's name, its description and the
model file it is written into.

Why a dialog and not a save dialog alone: a preset is found by its name (``kws detect --preset NAME``, the Tuning
panel's Values choice) and explained by its description, and a save dialog asks only for a path. All three are
filled in, so that saving a calibration's set is one Return: the name from the stream's file (a stream recorded in
an office, ``office_stream.wav``, gives ``office_stream``: the place the preset is for), the description as ``kws
calibrate --as-preset`` writes it, the file beside the calibrated model as "Save selected set into model…" offers it.

The dialog itself, and its checks of name and file as they are typed, are the window's too
(:mod:`workbench.gui.model.preset_save_dialog`); this module holds what only a calibration's set offers and says: its
figures first, "the calibrated model" in the sentences.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from workbench.calibration.results.result_files import CalibrationOutput, figures_text
from workbench.core.detection.presets import suggested_preset_name
from workbench.gui.calibration.calibration_dialogs import calibrated_copy, model_to_save_into
from workbench.gui.model.preset_save_dialog import (PresetSaveChoice, PresetSaveDialog, PresetSaveWording,
                                                    preset_names_of)

if TYPE_CHECKING:
    from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace

TITLE = "Save the selected set as a preset"
INTRO = ("Saves {figures} as a named preset beside the model's own parameters, which the board uses: they stay as "
         "they are.")
REPLACES_PRESET = "The calibrated model has a preset {name} already: Save replaces it with this set."
INTO_CALIBRATED = "Save writes the preset into the calibrated model's own file."
REPLACES_FILE = "{name} exists: Save replaces it with a copy of the calibrated model that carries the preset."


def default_preset_choice(output: CalibrationOutput, item: dict[str, Any], model: Path) -> PresetSaveChoice:
    """What is offered for the set ``item`` of ``output``, calibrated on the model file ``model``: the name the
    stream's file gives, the sentence ``kws calibrate --as-preset`` writes, a copy beside the model."""
    return PresetSaveChoice(suggested_preset_name(Path(output.stream_name).stem), output.preset_description(item),
                            calibrated_copy(model))


def set_wording(figures: str) -> PresetSaveWording:
    """What the dialog says for a calibration's set with ``figures`` (its FRR and false accepts)."""
    return PresetSaveWording(TITLE, INTRO.format(figures=figures), REPLACES_PRESET, INTO_CALIBRATED, REPLACES_FILE)


def choose_save_as_preset(workspace: "CalibrationWorkspace") -> None:
    """Ask for the preset's name, description and file (filled in), then save the selected set (or the
    recommendation) as that preset; with no set selected, or when the model is gone, say so instead of asking."""
    model = model_to_save_into(workspace)
    output, item = workspace.output, workspace.selected_set()
    if model is None or output is None or item is None:
        return
    dialog = SetPresetSaveDialog(default_preset_choice(output, item, model), model,
                                 figures_text(item["frr"], item["fa_per_hour"]), preset_names_of(model), workspace)
    if dialog.exec() and (choice := dialog.choice()) is not None:
        workspace.save_as_preset(choice.model_file, choice.name, choice.description)


class SetPresetSaveDialog(PresetSaveDialog):
    """:class:`PresetSaveDialog` for a calibration's set: ``figures``, the set's, said first; ``calibrated``: the
    calibrated model's file, whose presets ``existing`` names."""

    def __init__(self, offered: PresetSaveChoice, calibrated: Path, figures: str, existing: Collection[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(offered, calibrated, set_wording(figures), existing, parent)
