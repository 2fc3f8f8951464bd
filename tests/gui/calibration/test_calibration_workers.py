"""The Calibration workspace's Sweep processes box: kws calibrate's --workers for the GUI's run, remembered.

Real parts: the inputs form and the workspace under pytest-qt, with a real `kws calibrate` child on a real stream.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from tests.calibration.conftest import real_stream, speech_commands  # noqa: F401  (fixtures)
from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.gui.calibration.calibration_inputs_view import WORKERS_AUTO_TEXT, CalibrationInputsView
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace

RUN_TIMEOUT_MS = 120_000


def test_the_box_gives_the_child_its_workers_and_is_remembered(  # type: ignore[no-untyped-def]
        qtbot, tmp_path, real_stream) -> None:  # noqa: F811
    qsettings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = CalibrationInputsView(qsettings)
    qtbot.addWidget(first)
    first.set_loaded_model(Path("model.tflite"))
    first.set_stream(real_stream)
    assert first.workers_spin.text() == WORKERS_AUTO_TEXT and "--workers" not in first.calibrate_arguments()
    first.workers_spin.setValue(3)
    args = first.calibrate_arguments()
    assert args[args.index("--workers") + 1] == "3"
    second = CalibrationInputsView(qsettings)
    qtbot.addWidget(second)
    assert second.workers_spin.value() == 3


def test_a_run_with_two_sweep_processes_finishes(  # type: ignore[no-untyped-def]
        qtbot, tmp_path, reference_model_path, real_stream) -> None:  # noqa: F811
    """The child takes the option (the sweep's figures on workers are tested with kws calibrate itself)."""
    host = WorkspaceHostDouble(tmp_path)
    assert host.controller.load_model(reference_model_path)
    view = CalibrationWorkspace(host)
    qtbot.addWidget(view)
    try:
        view.inputs.set_stream(real_stream)
        view.inputs.workers_spin.setValue(2)
        qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
        assert view.running
        qtbot.waitUntil(lambda: not view.running, timeout=RUN_TIMEOUT_MS)
        assert host.errors == [] and view.output is not None and view.output.document["sets_tried"] > 0
    finally:
        view.shutdown()
        host.controller.close()
