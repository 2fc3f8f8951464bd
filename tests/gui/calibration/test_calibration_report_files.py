"""The Calibration workspace with a saved report (a real `kws calibrate` output): opened from its folder or
its calibration.json, and "Save into model…" saying why it cannot (model gone) or which name it refuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.calibration.conftest import real_stream, speech_commands  # noqa: F401  (fixtures)
from workbench.cli.main import main
from workbench.core.model.model_file import load_model
from workbench.gui.calibration.calibration_dialogs import choose_save_into_model


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, real_stream: Path,  # noqa: F811
           reference_model_path: Path) -> Path:
    """A calibration report folder whose model is a copy of the reference model (so a test can delete it)."""
    root = tmp_path_factory.mktemp("report")
    model = root / "model.tflite"
    shutil.copy(reference_model_path, model)
    folder = root / "run"
    assert main(["calibrate", "--model", str(model), "--stream", str(real_stream), "--thresholds", "150:250:50",
                 "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1,3", "--out", str(folder),
                 "--progress", "none"]) == 0
    return folder


def test_a_report_opens_from_its_calibration_json(qtbot, workspace, report) -> None:  # type: ignore[no-untyped-def]
    assert workspace.open_report(report / "calibration.json") and workspace.host.errors == []
    assert workspace.output is not None and workspace.output.folder == report
    assert not workspace.open_report(report / "sweep.csv")
    assert workspace.host.errors[-1] == (f"{report / 'sweep.csv'} is a file: choose the calibration report's folder "
                                         "(the one holding calibration.json)")


def test_save_into_model_adds_tflite_and_refuses_other_suffixes(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    assert workspace.open_report(report) and workspace.output.pareto
    workspace.table.select_row(0)
    saved = workspace.save_into_model(tmp_path / "tuned")
    assert saved == tmp_path / "tuned.tflite" and load_model(saved).params, workspace.host.errors
    assert workspace.save_into_model(tmp_path / "x.txt") is None and not (tmp_path / "x.txt").exists()
    assert workspace.host.errors == ["Cannot save the model copy as x.txt: name it with the .tflite suffix."]
    assert workspace.save_into_model(tmp_path / "upper.TFLITE") == tmp_path / "upper.TFLITE"


def test_save_into_model_says_the_model_is_gone_instead_of_doing_nothing(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    moved = tmp_path / "report"
    shutil.copytree(report, moved)
    document = json.loads((moved / "calibration.json").read_text())
    document["model"]["file"] = str(tmp_path / "deleted.tflite")
    (moved / "calibration.json").write_text(json.dumps(document))
    assert workspace.open_report(moved) and workspace.save_model_button.isEnabled()
    choose_save_into_model(workspace)  # no file dialog: the message, as "Use selected set" gives it
    assert workspace.host.errors == [f"the calibrated model {tmp_path / 'deleted.tflite'} was not found"]
    workspace.table.select_row(0)
    workspace.use_selected()
    assert workspace.host.errors[-1] == workspace.host.errors[0]
