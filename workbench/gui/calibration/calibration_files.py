"""What the Calibration workspace writes and reads: the selected set into a model, the report into a folder,
and a report saved earlier shown instead of the calibration on screen.

Why apart from the workspace: each of these decides about files the user may lose. "Save into model…" follows
the Tuning panel's rule (any ``.tflite`` but a bundled model, the calibrated model's own file too: the file
dialog asked before replacing it), and when that file is the model open in the window, the window's model,
sliders and Reset follow what the file now holds. A report is saved only whole (see
:meth:`~workbench.calibration.results.result_files.CalibrationOutput.copy_report`). Opening a report deletes an
unsaved run's temporary folder only after asking, as closing does, and never the folder being opened.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.calibration.results.result_files import (CalibrationOutput, LabelsNotFound, figures_text,
                                                         load_calibration_output)
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import model_copy_path
from workbench.gui.calibration.calibration_dialogs import ask_report_labels, confirm_discard_results
from workbench.gui.file_dialogs import notify_board_problems
from workbench.output_guard import same_file

ALL_MISSED = 1.0  # a set's FRR when it detects none of the stream's keywords

if TYPE_CHECKING:
    from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace


def save_into_model(workspace: "CalibrationWorkspace", path: str | Path) -> Path | None:
    """Write the selected set (or the recommendation) into a model file at ``path`` (``.tflite`` added to a name
    without a suffix; another suffix is refused with a message); the file written, None after a message."""
    host, output, item = workspace.host, workspace.output, workspace.selected_set()
    if output is None or item is None:
        host.show_error(workspace.nothing_selected())
        return None
    if float(item["frr"]) >= ALL_MISSED:  # a board with it would never wake on the stream's keywords
        host.show_error(f"This set misses every keyword of the stream ({figures_text(item['frr'], item['fa_per_hour'])}"
                        "), so a model with it would never detect one: choose a set that detects keywords.")
        return None
    model = workspace.existing_model_of_run()
    if model is None:
        return None
    loaded = getattr(host.controller.model, "path", None)
    try:
        target = model_copy_path(path)
        into_loaded = loaded is not None and same_file(target, Path(loaded))
        if into_loaded:
            target = _save_into_loaded_model(workspace, item, target, model)
        else:
            target = output.save_set_into_model(model, item, target, replace_model=True)
    except WorkbenchError as exc:
        host.show_error(str(exc))
        return None
    loaded_now = " (the model open in the window: the sliders hold that set now)" if into_loaded else ""
    host.show_status(f"saved {figures_text(item['frr'], item['fa_per_hour'])} into {target}{loaded_now}")
    host.remember_model_file(target)  # the copy is what the user opens next: File > Recent lists it
    notify_board_problems(host, target, parent=workspace)  # what the board would still refuse in it
    return target


def _save_into_loaded_model(workspace: "CalibrationWorkspace", item: dict[str, Any], target: Path,
                            model: Path) -> Path:
    """Write ``item`` into the file of the model open in the window, through the window's own save: the set goes
    into the sliders first, so that the model, its Reset values and the sliders all are what the file holds.

    A model open in the window that is not the calibrated one is refused: its file would then hold another
    network than the one running."""
    controller = workspace.host.controller
    if not same_file(target, model):
        raise WorkbenchError(f"{target.name} is the model open in the window, not the calibrated {model.name}: "
                             "choose another file.")
    if controller.tuning is None:  # the calibrated model has since become one the stream cannot run
        raise WorkbenchError(f"Nothing to tune: {controller.live_reason}.")
    settings = workspace.output.settings_of(item, controller.model)  # type: ignore[union-attr]
    controller.tuning.set(**{f.name: getattr(settings, f.name) for f in fields(settings)})
    return Path(controller.save_parameters_into_model(target))


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
