"""The Calibration workspace's dialogs: where to save a model copy or a report, which report to open (and the
labels file of an older report whose own is not found), and the questions before the window closes over a running
calibration or unsaved results, or another report or a new run replaces unsaved results.

Why apart: each dialog only asks for a path and hands it to the workspace's ``save_into_model`` /
``save_report`` / ``open_report``, which are what tests and scripts call (as :mod:`workbench.gui.file_dialogs`
does for the window); the questions are module functions a test can answer for the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from workbench.bundled_models import copy_beside
from workbench.core.model.model_file import TFLITE_SUFFIX
from workbench.gui.calibration.calibration_inputs_view import LABELS_FILTER
from workbench.gui.window.window_closing import ask_yes_no

if TYPE_CHECKING:
    from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace

MODEL_FILTER = "TFLite model (*.tflite)"
CALIBRATED_SUFFIX = "-calibrated" + TFLITE_SUFFIX
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"  # the answers of ask_unsaved_results
UNSAVED_QUESTION = ("The finished calibration's report was not saved: its results are deleted when the window "
                    "closes.")
REPLACING_QUESTION = ("The finished calibration's report was not saved: its results are deleted when another "
                      "report is shown instead.")
RERUN_QUESTION = ("The finished calibration's report was not saved: its results are deleted when the new run "
                  "finishes (a run that fails or is cancelled keeps them).")


def choose_save_into_model(workspace: "CalibrationWorkspace") -> None:
    """Ask where the copy of the calibrated model with the selected set goes (beside the model by default);
    with no set selected, or when the model is gone, say so (as "Use selected set" does) instead of asking."""
    model = model_to_save_into(workspace)
    if model is None:
        return
    path, _ = QFileDialog.getSaveFileName(workspace, "Save the parameters into a model copy",
                                          str(calibrated_copy(model)), MODEL_FILTER)
    if path:
        workspace.save_into_model(path)


def model_to_save_into(workspace: "CalibrationWorkspace") -> Path | None:
    """The calibrated model's file, before a save of the selected set asks anything; None after a message when no
    set is selected or the model is gone."""
    if workspace.selected_set() is None:
        workspace.host.show_error(workspace.nothing_selected())
        return None
    return workspace.existing_model_of_run()


def calibrated_copy(model: Path) -> Path:
    """Where a copy of the calibrated ``model`` with a set of the calibration is offered: beside it (in the home
    folder for a bundled model), named after it."""
    stem = model.name.replace(".mltk.zip", "").replace(".tflite", "")
    return copy_beside(model, stem + CALIBRATED_SUFFIX)


def choose_save_report(workspace: "CalibrationWorkspace") -> bool:
    """Ask for a folder and save the report there; True when it was saved."""
    folder = QFileDialog.getExistingDirectory(workspace, "Save the calibration report into")
    return bool(folder) and bool(workspace.save_report(folder))


def ask_unsaved_results(parent: QWidget) -> str:
    """"Save report…", "Discard" or "Cancel" (:data:`SAVE`, :data:`DISCARD`, :data:`CANCEL`; Escape cancels)
    before the window closes."""
    return _ask_save_discard_cancel(parent, UNSAVED_QUESTION)


def ask_replacing_results(parent: QWidget) -> str:
    """The same answers before another report is shown instead of the unsaved results."""
    return _ask_save_discard_cancel(parent, REPLACING_QUESTION)


def ask_rerun_results(parent: QWidget) -> str:
    """The same answers before a new run starts whose results will replace the unsaved ones."""
    return _ask_save_discard_cancel(parent, RERUN_QUESTION)


def _ask_save_discard_cancel(parent: QWidget, question: str) -> str:
    box = QMessageBox(QMessageBox.Icon.Question, "KWS Workbench", question, parent=parent)
    save = box.addButton("Save report…", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(QMessageBox.StandardButton.Discard)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL


def confirm_discard_results(workspace: "CalibrationWorkspace", replacing: bool = False,
                            rerun: bool = False) -> bool:
    """Whether the window may close (``replacing``: another report may be shown; ``rerun``: a new run may start)
    over a finished calibration whose report was not saved.

    Why ask: its results live in a temporary folder that closing (or showing another report, or a new run's
    results) deletes -- minutes of work gone without a word. Save report… saves them first (a cancelled folder
    choice or a failed save keeps them, and the window open, the report shown, the run not started).
    """
    answer = (ask_rerun_results(workspace) if rerun else ask_replacing_results(workspace) if replacing
              else ask_unsaved_results(workspace))
    if answer == SAVE:
        return choose_save_report(workspace)
    return answer == DISCARD


def choose_open_report(workspace: "CalibrationWorkspace") -> None:
    folder = QFileDialog.getExistingDirectory(workspace, "Open a calibration report folder (it holds "
                                              "calibration.json)")
    if folder:
        workspace.open_report(folder)


def ask_report_labels(workspace: "CalibrationWorkspace", report: Path, stored: str) -> str:
    """The labels file the user chooses for the report in ``report``, whose own (``stored``, as the report names
    it) is not found; "" when cancelled. Why ask: reports of the first version hold no copy of their labels."""
    path, _ = QFileDialog.getOpenFileName(workspace, f"Choose the labels file of the report ({stored} was not found)",
                                          str(report), LABELS_FILTER)
    return path


def ask_stop_running(parent: QWidget) -> bool:
    """Yes / No (No the default) to stopping a running calibration so that the window can close."""
    return ask_yes_no(parent, "Calibration in progress", "A calibration is running. Stop it and close?")


def confirm_close_calibration(workspace: "CalibrationWorkspace") -> bool:
    """The Calibration workspace's answer to "may the window close?". A running calibration is asked about
    first, then the unsaved results of the one before it: closing deletes both. Whether results are unsaved is
    looked at after the first question, not before: the run may have finished while it was up."""
    if workspace.running and not ask_stop_running(workspace):
        return False
    return not workspace.unsaved_results or confirm_discard_results(workspace)
