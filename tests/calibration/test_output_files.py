"""A calibration's report files are one set: written over an older report all at once, or not at all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.results.output_files import write_outputs
from workbench.calibration.results.result_files import load_calibration_output
from workbench.calibration.sweep.grid import SweepRanges
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel

RANGES = SweepRanges(thresholds=(150, 200), windows_ms=(1000,), suppressions_ms=(1000,), counts=(1, 3))


@pytest.fixture(scope="module")
def results(real_stream: Path, reference_model: LoadedModel) -> dict[str, CalibrationResult]:
    """The same stream calibrated with its JSON labels and with its CSV labels."""
    return {suffix: run_calibration(reference_model, CalibrationRequest(real_stream, real_stream.with_suffix(suffix),
                                                                        ranges=RANGES))
            for suffix in (".json", ".csv")}


@pytest.fixture()
def older_report(results: dict[str, CalibrationResult], tmp_path: Path) -> Path:
    folder = tmp_path / "report"
    write_outputs(results[".json"], folder)  # with det.png and labels.json
    (folder / "notes.txt").write_text("the user's own notes")
    return folder


def test_a_new_report_leaves_nothing_of_the_older_one(results: dict[str, CalibrationResult],
                                                      older_report: Path) -> None:
    assert {"det.png", "labels.json"} <= {p.name for p in older_report.iterdir()}
    write_outputs(results[".csv"], older_report, plot=False)
    assert sorted(p.name for p in older_report.iterdir()) == ["calibration.json", "labels.csv", "notes.txt",
                                                              "scores.npz", "sweep.csv"]
    assert load_calibration_output(older_report).labels_file == "labels.csv"


def test_a_labels_file_the_older_report_does_not_name_is_kept(results: dict[str, CalibrationResult],
                                                              tmp_path: Path, real_stream: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(real_stream.with_suffix(".json"), folder / "labels.json")  # the user's, not a report's copy
    write_outputs(results[".csv"], folder, plot=False)
    assert (folder / "labels.json").read_bytes() == real_stream.with_suffix(".json").read_bytes()


def test_a_report_that_cannot_be_written_whole_changes_nothing(results: dict[str, CalibrationResult],
                                                               older_report: Path) -> None:
    before = {p.name: p.read_bytes() for p in older_report.iterdir()}
    (older_report / "labels.csv").mkdir()  # the new labels copy cannot be written
    with pytest.raises(WorkbenchError, match=r"labels\.csv: it is a folder"):
        write_outputs(results[".csv"], older_report, plot=False)
    assert {p.name: p.read_bytes() for p in older_report.iterdir() if p.is_file()} == before
    assert json.loads((older_report / "calibration.json").read_text())["labels_file"] == "labels.json"
