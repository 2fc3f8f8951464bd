"""A calibration read back from its folder: its report copied elsewhere, a chosen set written into the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.calibration.results.result_files import REPORT_FILES, load_calibration_output
from workbench.cli.main import main
from workbench.core.detection.settings import DetectionSettings
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import load_model


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory, real_stream: Path, reference_model_path: Path) -> Path:
    folder = tmp_path_factory.mktemp("calibrated") / "run"
    assert main(["calibrate", "--model", str(reference_model_path), "--stream", str(real_stream), "--thresholds",
                 "150:250:20", "--windows-ms", "500,1000", "--suppressions-ms", "1000", "--counts", "1,3",
                 "--out", str(folder), "--progress", "none"]) == 0
    return folder


def test_the_report_is_copied_file_by_file(calibrated: Path, tmp_path: Path) -> None:
    output = load_calibration_output(calibrated)
    copied = output.copy_report(tmp_path / "report")
    assert sorted(p.name for p in copied) == sorted(REPORT_FILES)
    for path in copied:
        assert path.read_bytes() == (calibrated / path.name).read_bytes()
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(WorkbenchError, match="a file"):
        output.copy_report(blocker)


def test_a_chosen_set_is_written_into_a_copy_of_the_model(calibrated: Path, tmp_path: Path,
                                                          reference_model_path: Path) -> None:
    output = load_calibration_output(calibrated)
    item = output.pareto[-1]
    saved = output.save_set_into_model(reference_model_path, item, tmp_path / "tuned.tflite")
    settings = DetectionSettings.from_params(load_model(saved).params)
    assert (settings.detection_threshold, settings.average_window_duration_ms, settings.suppression_ms,
            settings.minimum_count) == (item["detection_threshold"], item["average_window_duration_ms"],
                                        item["suppression_ms"], item["minimum_count"])
    assert settings.latency_ms == output.latency_ms
    assert output.score(settings).frr == pytest.approx(item["frr"])  # type: ignore[union-attr]
