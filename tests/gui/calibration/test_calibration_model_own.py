"""The Calibration workspace when the model's own parameters are the recommendation: its row is the
recommended one (bold, said so), the status says there is nothing to change, and "Save into model…" keeps them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.calibration.conftest import real_stream, reference_model, speech_commands  # noqa: F401  (fixtures)
from workbench.cli.main import main
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import save_settings_into_model
from workbench.core.model.model_file import LoadedModel, load_model

OWN_LIST = [180, 200, 180, 180]  # yes>180, no>200: per-class thresholds no grid set below has
WORSE_GRID = ("--thresholds", "250,254", "--windows-ms", "500,1000", "--suppressions-ms", "1000", "--counts", "1,3")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, real_stream: Path,  # noqa: F811
           reference_model: LoadedModel) -> Path:  # noqa: F811
    """A report whose model's own per-class parameters beat every set of its (deliberately poor) grid."""
    root = tmp_path_factory.mktemp("own-report")
    settings = DetectionSettings.from_params(reference_model.params).replace(detection_threshold=180,
                                                                             detection_threshold_list=tuple(OWN_LIST))
    model = save_settings_into_model(reference_model, settings, root / "own.tflite")
    folder = root / "run"
    assert main(["calibrate", "--model", str(model), "--stream", str(real_stream), *WORSE_GRID,
                 "--target-fa-per-hour", "1000", "--out", str(folder), "--progress", "none"]) == 0
    return folder


def test_the_recommended_row_is_the_model_own_and_saving_it_keeps_them(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    assert workspace.open_report(report) and workspace.host.errors == []
    recommended = workspace.output.recommended
    assert recommended["model_own"] is True and recommended["detection_threshold_list"] == OWN_LIST
    model = workspace.table.table_model
    row = workspace.table.selected_row()
    assert row is not None and model.rows[row]["model_own"] is True
    index = model.index(row, 0)
    assert model.data(index, Qt.ItemDataRole.FontRole).bold()
    assert "the model's own parameters, so nothing to change" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "Recommended for ≤ 1000 FA/h: the model's own parameters (nothing to change)" in workspace.status.text()

    saved = workspace.save_into_model(tmp_path / "kept.tflite")
    assert saved is not None, workspace.host.errors
    assert load_model(saved).params["detection_threshold_list"] == OWN_LIST
