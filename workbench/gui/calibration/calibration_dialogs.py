"""The Calibration workspace's file dialogs: where to save a model copy or a report, which report to open.

Why apart: each dialog only asks for a path and hands it to the workspace's ``save_into_model`` /
``save_report`` / ``open_report``, which are what tests and scripts call (as :mod:`workbench.gui.file_dialogs`
does for the window).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from workbench.core.model.model_file import TFLITE_SUFFIX

if TYPE_CHECKING:
    from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace

MODEL_FILTER = "TFLite model (*.tflite)"
CALIBRATED_SUFFIX = "-calibrated" + TFLITE_SUFFIX


def choose_save_into_model(workspace: "CalibrationWorkspace") -> None:
    """Ask where the copy of the calibrated model with the chosen set goes (beside the model by default);
    when the model is gone, say so (as "Use selected set" does) instead of asking."""
    model = workspace.existing_model_of_run()
    if model is None:
        return
    stem = model.name.replace(".mltk.zip", "").replace(".tflite", "")
    path, _ = QFileDialog.getSaveFileName(workspace, "Save the parameters into a model copy",
                                          str(model.with_name(stem + CALIBRATED_SUFFIX)), MODEL_FILTER)
    if path:
        workspace.save_into_model(path)


def choose_save_report(workspace: "CalibrationWorkspace") -> None:
    folder = QFileDialog.getExistingDirectory(workspace, "Save the calibration report into")
    if folder:
        workspace.save_report(folder)


def choose_open_report(workspace: "CalibrationWorkspace") -> None:
    folder = QFileDialog.getExistingDirectory(workspace, "Open a calibration report folder (it holds "
                                              "calibration.json)")
    if folder:
        workspace.open_report(folder)
