"""What the Calibration workspace writes and reads: the selected set into a model, the report into a folder,
and a report saved earlier shown instead of the calibration on screen.

Why apart from the workspace: each of these decides about files the user may lose. "Save into model…" follows
the Tuning panel's rule (any ``.tflite`` but a bundled model, the calibrated model's own file too: the file
dialog asked before replacing it), and when that file is the model open in the window, the window's model,
sliders and Reset follow what the file now holds. "Save as preset…" writes to the same rule, the set as a named
preset beside the model's own parameters; the window's Values choice then offers it, its sliders unchanged. A
report is saved only whole (see :meth:`~workbench.calibration.results.result_files.CalibrationOutput.copy_report`).
Opening a report deletes an unsaved run's temporary folder only after asking, as closing does, and never the folder
being opened.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.calibration.results.result_files import (CalibrationOutput, LabelsNotFound, figures_text,
                                                         load_calibration_output)
from workbench.core.detection.presets import preset_name
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import changed_on_disk, load_model, model_copy_path
from workbench.gui.calibration.calibration_dialogs import ask_report_labels, confirm_discard_results
from workbench.gui.file_dialogs import notify_board_problems
from workbench.gui.model_loader import ModelChangedOnDisk
from workbench.output_guard import same_file

ALL_MISSED = 1.0  # a set's FRR when it detects none of the stream's keywords
LOADED_SET = " (the model open in the window: the sliders hold that set now)"  # said after what a save wrote
LOADED_PRESET = " (the model open in the window: its Values choice offers the preset now)"

if TYPE_CHECKING:
    from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace


def save_into_model(workspace: "CalibrationWorkspace", path: str | Path) -> Path | None:
    """Write the selected set (or the recommendation) into a model file at ``path`` (``.tflite`` added to a name
    without a suffix; another suffix is refused with a message); the file written, None after a message."""
    return _save_set(workspace, path, None)


def save_as_preset(workspace: "CalibrationWorkspace", path: str | Path, name: str, description: str) -> Path | None:
    """Write the selected set (or the recommendation) as the preset ``name`` (with ``description``) into a copy of
    the calibrated model at ``path``, or into that model's own file, its own parameters unchanged; the file
    written, None after a message. Refused as :func:`save_into_model` refuses, and never over a bundled model.

    Written into the file of the model open in the window, the window's model becomes the file as it now reads, so
    that the Tuning panel's Values choice offers the preset at once; the sliders keep their values (the model's
    own, which Reset returns to, are unchanged)."""
    try:
        preset = preset_name(name)
    except WorkbenchError as exc:
        workspace.host.show_error(str(exc))
        return None
    return _save_set(workspace, path, (preset, description))


def _save_set(workspace: "CalibrationWorkspace", path: str | Path, preset: tuple[str, str] | None) -> Path | None:
    """Write the selected set into the model file at ``path``: as the model's own parameters, or (``preset``: its
    name and description) as that preset; the file written, None after a message."""
    chosen = _set_to_save(workspace)
    if chosen is None:
        return None
    output, item, model = chosen
    host = workspace.host
    loaded = getattr(host.controller.model, "path", None)
    try:
        target = model_copy_path(path)
        into_loaded = loaded is not None and same_file(target, Path(loaded))
        if preset is not None:
            target = _save_preset(workspace, (output, item), target, model, preset, into_loaded)
        elif into_loaded:
            target = _save_into_loaded_model(workspace, item, target, model)
        else:
            target = output.save_set_into_model(model, item, target, replace_model=True)
    except WorkbenchError as exc:
        host.show_error(str(exc))
        return None
    figures = figures_text(item["frr"], item["fa_per_hour"])
    what = f"preset {preset[0]} ({figures})" if preset is not None else figures
    loaded_now = LOADED_PRESET if preset is not None else LOADED_SET
    host.show_status(f"saved {what} into {target}{loaded_now if into_loaded else ''}")
    host.remember_model_file(target)  # the copy is what the user opens next: File > Recent lists it
    notify_board_problems(host, target, parent=workspace)  # what the board would still refuse in it
    return target


def _set_to_save(workspace: "CalibrationWorkspace") -> tuple[CalibrationOutput, dict[str, Any], Path] | None:
    """The calibration shown, its selected set (or the recommendation) and the calibrated model's file, when that
    set may be written into a model; None after a message saying why not (nothing selected, a set that misses
    every keyword, the calibrated model gone)."""
    host, output, item = workspace.host, workspace.output, workspace.selected_set()
    if output is None or item is None:
        host.show_error(workspace.nothing_selected())
        return None
    if float(item["frr"]) >= ALL_MISSED:  # a board with it would never wake on the stream's keywords
        host.show_error(f"This set misses every keyword of the stream ({figures_text(item['frr'], item['fa_per_hour'])}"
                        "), so a model with it would never detect one: choose a set that detects keywords.")
        return None
    model = workspace.existing_model_of_run()
    return None if model is None else (output, item, model)


def _save_into_loaded_model(workspace: "CalibrationWorkspace", item: dict[str, Any], target: Path,
                            model: Path) -> Path:
    """Write ``item`` into the file of the model open in the window, through the window's own save: the set goes
    into the sliders first, so that the model, its Reset values and the sliders all are what the file holds.

    A model open in the window that is not the calibrated one is refused: its file would then hold another
    network than the one running."""
    controller = workspace.host.controller
    _refuse_other_loaded_model(target, model)
    if controller.tuning is None:  # the calibrated model has since become one the stream cannot run
        raise WorkbenchError(f"Nothing to tune: {controller.live_reason}.")
    settings = workspace.output.settings_of(item, controller.model)  # type: ignore[union-attr]
    controller.tuning.set(**{f.name: getattr(settings, f.name) for f in fields(settings)})
    return Path(controller.save_parameters_into_model(target))


def _refuse_other_loaded_model(target: Path, model: Path) -> None:
    """WorkbenchError when ``target``, the file of the model open in the window, is not the calibrated ``model``:
    that file would then hold another network than the one running."""
    if not same_file(target, model):
        raise WorkbenchError(f"{target.name} is the model open in the window, not the calibrated {model.name}: "
                             "choose another file.")


def _save_preset(workspace: "CalibrationWorkspace", chosen: tuple[CalibrationOutput, dict[str, Any]], target: Path,
                 model: Path, preset: tuple[str, str], into_loaded: bool) -> Path:
    """Write the set of ``chosen`` (the calibration and its entry) as ``preset`` (its name and description) into
    ``target``, a copy of the calibrated ``model`` or that file itself; ``into_loaded``: the file of the model open
    in the window, which then follows it."""
    output, item = chosen
    loaded = workspace.host.controller.model
    if into_loaded:
        _refuse_other_loaded_model(target, model)
        if changed_on_disk(loaded):  # the file written is read from disk: the window's model would lag it
            raise ModelChangedOnDisk(target)
    written = output.save_set_into_model(model, item, target, replace_model=True, preset=preset)
    if into_loaded:
        _show_rewritten_model(workspace, written)
    return written


def _show_rewritten_model(workspace: "CalibrationWorkspace", target: Path) -> None:
    """The window's model is the file ``target`` as it now reads: a preset was written into the file of the model
    open in the window, its network and own parameters unchanged.

    Why not the controller's save: that writes the sliders' values as the model's own. Why not opening the file
    again: that restarts the stream and puts the sliders back to the file's values. As the controller's save
    ends, the window's model is replaced (``follow_rewritten_file``) and the views that read the file follow (the
    Tuning panel's Values choice, the model's parameter table); the tuning and the stream go on as they were."""
    controller = workspace.host.controller
    controller.follow_rewritten_file(replace(load_model(target), name=controller.model.name))


def save_report(workspace: "CalibrationWorkspace", folder: str | Path) -> list[Path]:
    """Copy the shown calibration's report files into ``folder`` (each written atomically, all or none)."""
    if workspace.output is None:
        return []
    try:
        written = workspace.output.copy_report(folder)
    except WorkbenchError as exc:
        workspace.host.show_error(str(exc))
        return []
    workspace.host.show_status(f"saved the calibration report into {folder}")
    workspace.mark_report_saved()
    return written


def open_report(workspace: "CalibrationWorkspace", folder: str | Path) -> bool:
    """Show the calibration saved in ``folder``; its model is used to tune and save when it still exists.

    Refused, said, while a calibration runs (its results would replace the report). Unsaved results on
    screen are asked about first (Save report… / Discard / Cancel); the run's own folder, opened again, is kept.
    """
    host = workspace.host
    if workspace.running:
        host.show_error("a calibration is running: cancel it, or let it finish, before opening a report")
        return False
    own = workspace.is_run_folder(folder)
    if not own and workspace.unsaved_results and not confirm_discard_results(workspace, replacing=True):
        return False
    output = _load_report(workspace, folder)
    if output is None:
        return False
    if not own:  # the user's folder is only read, never taken over
        model = Path(output.model_file) if output.model_file else None
        workspace.replace_run(model if model is not None and model.is_file() else None)
    workspace.show_output(output)
    missing = "" if workspace.model_of_run else f"; its model {output.model_file or '(unnamed)'} was not found"
    host.show_status(f"opened the calibration in {folder}{missing}")
    return True


def _load_report(workspace: "CalibrationWorkspace", folder: str | Path) -> CalibrationOutput | None:
    """The report in ``folder``, None after a message. A report that names a labels file not found (an older
    version's, which kept no copy, often by a path relative to another working folder) asks for the file."""
    try:
        return load_calibration_output(folder)
    except LabelsNotFound as exc:
        missing = exc
    except WorkbenchError as exc:
        workspace.host.show_error(str(exc))
        return None
    chosen = ask_report_labels(workspace, Path(folder), missing.stored)
    if not chosen:
        workspace.host.show_error(f"{missing} (Open report… asks for it)")
        return None
    try:
        return load_calibration_output(folder, chosen)
    except WorkbenchError as exc:
        workspace.host.show_error(str(exc))
        return None
