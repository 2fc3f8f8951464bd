"""Sets that can never detect anything in a calibration: said for the model's own set, never recommended, never
written (real stream of Speech Commands clips, the reference model, real replay and sweep)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.results.output_files import apply_recommendation, document_json
from workbench.calibration.results.report import render_text
from workbench.calibration.results.result_files import load_calibration_output
from workbench.calibration.sweep.grid import SweepRanges, parameter_grid
from workbench.cli.main import main
from workbench.core.detection.never_detects import never_detects_reason
from workbench.core.detection.settings import DetectionSettings
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel, load_model

CLASSES = ("yes", "no", "_unknown_", "_silence_")
# the reference model's own window (1000 ms) holds 2 results at one inference every 600 ms: its count of 3 is
# never reached; the grid's 1500 ms window holds 3
SLOW_LATENCY_MS = 600
RANGES = SweepRanges(thresholds=(150, 200, 255), windows_ms=(500, 1500), suppressions_ms=(1000,), counts=(1, 3))
RANGE_OPTIONS = ("--thresholds", "150,200,255", "--windows-ms", "500,1500", "--suppressions-ms", "1000",
                 "--counts", "1,3")
TARGET = 1000.0  # every set that detects anything qualifies
ONE_INFERENCE_MS = 100_000  # one inference in the two-minute stream
LONGER_THAN_THE_STREAM_MS = 600_000


@pytest.fixture(scope="module")
def result(real_stream: Path, reference_model: LoadedModel) -> CalibrationResult:
    request = CalibrationRequest(real_stream, real_stream.with_suffix(".json"), target_fa_per_hour=TARGET,
                                 ranges=RANGES, latency_ms=SLOW_LATENCY_MS)
    return run_calibration(reference_model, request)


def test_the_grid_holds_only_counts_its_windows_can_reach() -> None:
    base = DetectionSettings(suppression_ms=1000)
    for latency_ms in (100, SLOW_LATENCY_MS):
        for pset in parameter_grid(RANGES, CLASSES, latency_ms):
            reason = never_detects_reason(pset.settings(base.replace(latency_ms=latency_ms)), CLASSES)
            assert reason is None or pset.detection_threshold == 255, (latency_ms, pset)
    assert {(s.average_window_duration_ms, s.minimum_count) for s in parameter_grid(RANGES, CLASSES, SLOW_LATENCY_MS)
            } == {(500, 1), (1500, 1), (1500, 3)}


def test_the_model_own_set_says_why_it_misses_everything_and_is_not_recommended(result: CalibrationResult) -> None:
    own = result.model_index
    assert own is not None and result.table.frr[own] == 1.0
    assert result.model_never_detects == never_detects_reason(result.calibrated_settings, CLASSES)
    assert result.model_never_detects.startswith(  # type: ignore[union-attr]
        "minimum_count 3 can never be reached: an averaging window of 1000 ms holds at most 2 results at one "
        "inference every 600 ms")
    threshold_255 = [i for i, s in enumerate(result.table.sets) if s.detection_threshold == 255]
    assert set(result.never_detecting) == {own, *threshold_255}
    assert result.recommended is not None and result.recommended not in result.never_detecting
    assert result.table.frr[result.recommended] < 1.0

    text = render_text(result)
    assert f"  not recommended: {result.model_never_detects}\n" in text
    assert "nothing to change" not in text
    document = json.loads(document_json(result))
    assert document["model_parameters"]["never_detects"] == result.model_never_detects
    assert document["recommended"]["model_own"] is False


def test_a_grid_that_can_never_detect_recommends_nothing(real_stream: Path, reference_model: LoadedModel) -> None:
    request = CalibrationRequest(real_stream, real_stream.with_suffix(".json"), target_fa_per_hour=TARGET,
                                 ranges=SweepRanges(thresholds=(255,), windows_ms=(500,), suppressions_ms=(1000,),
                                                    counts=(1,)), latency_ms=SLOW_LATENCY_MS)
    result = run_calibration(reference_model, request)
    assert result.recommended is None and set(result.never_detecting) == set(range(len(result.table)))
    assert ("no set tried can ever detect anything (no score exceeds a threshold of 255); give --thresholds below "
            "255\n") in render_text(result)


def test_apply_to_writes_a_set_that_can_detect(result: CalibrationResult, tmp_path: Path) -> None:
    written = load_model(apply_recommendation(result, tmp_path / "tuned.tflite"))
    settings = DetectionSettings.from_params(written.params)
    assert settings.latency_ms == SLOW_LATENCY_MS and never_detects_reason(settings, written.classes) is None


def test_a_set_that_can_never_detect_is_not_saved_from_a_report(real_stream: Path, reference_model_path: Path,
                                                                tmp_path: Path) -> None:
    folder = tmp_path / "report"
    assert main(["calibrate", "--model", str(reference_model_path), "--stream", str(real_stream), *RANGE_OPTIONS,
                 "--latency-ms", str(SLOW_LATENCY_MS), "--out", str(folder), "--progress", "none"]) == 0
    output = load_calibration_output(folder)
    out = tmp_path / "never.tflite"
    with pytest.raises(WorkbenchError, match="^nothing written: minimum_count 3 can never be reached"):
        output.save_set_into_model(reference_model_path, output.document["model_parameters"], out)
    top = {**output.pareto[0], "detection_threshold": 255}
    with pytest.raises(WorkbenchError, match="^nothing written: detection_threshold 255 can never be exceeded"):
        output.save_set_into_model(reference_model_path, top, out)
    assert not out.exists()


def test_apply_to_never_writes_over_the_calibrated_model(real_stream: Path, reference_model_path: Path,
                                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.tflite"
    shutil.copy(reference_model_path, model)
    before = model.read_bytes()
    assert main(["calibrate", "--model", str(model), "--stream", str(real_stream), "--apply-to",
                 str(tmp_path / "." / "m.tflite"), "--progress", "none"]) == 2
    out, err = capsys.readouterr()
    assert not out and err.startswith("kws: error: --apply-to ") and "is the input" in err
    assert model.read_bytes() == before


def test_apply_to_refuses_a_recommendation_that_detects_no_keyword(real_stream: Path, reference_model: LoadedModel,
                                                                    tmp_path: Path) -> None:
    """One inference in two minutes: every set misses every keyword, and the least bad of them is no setting to
    ship."""
    request = CalibrationRequest(real_stream, real_stream.with_suffix(".json"), target_fa_per_hour=TARGET,
                                 ranges=SweepRanges(thresholds=(254,), windows_ms=(500,), suppressions_ms=(1000,),
                                                    counts=(1,)), latency_ms=ONE_INFERENCE_MS)
    result = run_calibration(reference_model, request)
    assert result.stream.inferences == 1
    assert result.recommended is not None and result.table.frr[result.recommended] == 1.0
    out = tmp_path / "shipped.tflite"
    with pytest.raises(WorkbenchError, match=r"detects none of the stream's keywords \(FRR 100 %\)"):
        apply_recommendation(result, out)
    assert not out.exists()


def test_a_stream_shorter_than_one_inference_interval_is_refused(real_stream: Path,
                                                                 reference_model: LoadedModel) -> None:
    request = CalibrationRequest(real_stream, real_stream.with_suffix(".json"), target_fa_per_hour=TARGET,
                                 ranges=RANGES, latency_ms=LONGER_THAN_THE_STREAM_MS)
    with pytest.raises(WorkbenchError, match=r"^stream.wav \([0-9.]+ s\) is shorter than one inference interval "
                                             r"\(600000 ms\): no inference runs on it; lower --latency-ms"):
        run_calibration(reference_model, request)
