"""The model's own parameters compete with the grid: recommended when nothing beats them, and kept by --apply-to.

Real parts: a two-minute stream of Speech Commands clips, the reference model (a copy with its own
parameters written in), the real replay, sweep and report, and `kws detect` in a child process.
"""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.results.output_files import apply_recommendation, document_json
from workbench.calibration.results.report import TEXT_FRONT_ROWS, render_text, sweep_csv
from workbench.calibration.streams.labels import load_labels
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.sweep.grid import SweepRanges
from workbench.calibration.sweep.matching import KeywordEvents, evaluate_detections
from workbench.child_command import kws_command
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import save_settings_into_model
from workbench.core.model.model_file import LoadedModel, load_model

OWN_LIST = (180, 200, 180, 180)  # yes>180, no>200 (the non-keywords at the global threshold)
OWN = {"detection_threshold": 180, "average_window_duration_ms": 750, "suppression_ms": 750, "minimum_count": 2}
# thresholds near the top of the score range: the grid's sets miss most keywords, the model's own do not
WORSE_GRID = SweepRanges(thresholds=(250, 254), windows_ms=(500, 1000), suppressions_ms=(1000,), counts=(1, 3))
TARGET = 1000.0  # every set qualifies: the recommendation is the fewest misses
LONGER_MINUTES = 6.0


@pytest.fixture(scope="module")
def own_model(tmp_path_factory: pytest.TempPathFactory, reference_model: LoadedModel) -> Path:
    """The reference model with per-class thresholds and a window/count of its own stored in it."""
    settings = DetectionSettings.from_params(reference_model.params).replace(
        **OWN, detection_threshold_list=OWN_LIST)
    return save_settings_into_model(reference_model, settings, tmp_path_factory.mktemp("own") / "own.tflite")


@pytest.fixture(scope="module")
def result(own_model: Path, real_stream: Path) -> CalibrationResult:
    request = CalibrationRequest(real_stream, real_stream.with_suffix(".json"), target_fa_per_hour=TARGET,
                                 ranges=WORSE_GRID)
    return run_calibration(load_model(own_model), request)


def kws_detect_figures(wav: Path, classes: tuple[str, ...], *options: str):  # type: ignore[no-untyped-def]
    """`kws detect` in a real child process, scored with the calibration's matching rule."""
    done = subprocess.run(kws_command("detect", str(wav), "--format", "jsonl", *options),
                          capture_output=True, text=True, check=True)
    found = [json.loads(line) for line in done.stdout.splitlines() if '"time_s"' in line]
    arrays = DetectionArrays(np.array([round(d["time_s"] * 1000) for d in found], np.int64),
                             np.array([d["class_index"] for d in found], np.int64),
                             np.array([d["score"] for d in found], np.int64))
    events = KeywordEvents.from_labels(load_labels(wav.with_suffix(".json")), classes)
    return evaluate_detections(arrays, events, 1.5, load_audio(wav).duration_s / 3600)


def test_the_model_own_set_is_recommended_when_it_beats_every_grid_set(result: CalibrationResult) -> None:
    table = result.table
    assert result.model_set_added and result.model_index == len(table) - 1 == result.grid_sets
    own = table.sets[result.model_index]
    assert own.detection_threshold_list == OWN_LIST and own.minimum_count == OWN["minimum_count"]
    assert table.frr[result.model_index] < min(table.frr[:result.grid_sets])  # the premise: it beats the grid
    assert result.recommended == result.model_index and result.recommends_model_set
    assert result.model_index in result.front
    assert result.recommended_settings().detection_threshold_list == OWN_LIST  # type: ignore[union-attr]

    document = json.loads(document_json(result))
    rec = document["recommended"]
    assert rec["model_own"] is True and rec["detection_threshold_list"] == list(OWN_LIST)
    assert {k: rec[k] for k in OWN} == OWN
    assert (rec["frr"], rec["fa_per_hour"]) == (document["model_parameters"]["frr"],
                                                document["model_parameters"]["fa_per_hour"])
    assert rec["kws_detect_options"][:2] == ["--threshold-list", "180,200,180,180"]
    assert [p["model_own"] for p in document["pareto"]].count(True) == 1
    # the grid's count and rows stay the grid's: the model's own set is the document's model_parameters
    assert document["sets_tried"] == result.grid_sets == len(list(csv.DictReader(sweep_csv(result).splitlines())))

    text = render_text(result)
    assert f"{result.grid_sets:,} parameter sets tried and the model's own" in text
    assert "the model's own parameters: no grid set does better, nothing to change" in text
    assert "yes>180, no>200, window 750 ms, suppression 750 ms, count 2  (model's own)  (recommended)" in text


def test_the_recommended_own_set_is_reproduced_by_kws_detect(result: CalibrationResult, own_model: Path,
                                                             real_stream: Path) -> None:
    rec = json.loads(document_json(result))["recommended"]
    got = kws_detect_figures(real_stream, result.table.classes, "--model", str(own_model), *rec["kws_detect_options"])
    assert (got.keywords - got.hits, got.false_accepts_speech) == (rec["misses"], rec["false_accepts_speech"])
    assert (got.frr, got.fa_per_hour) == (rec["frr"], rec["fa_per_hour"])


def test_apply_to_keeps_the_model_own_parameters(result: CalibrationResult, own_model: Path, real_stream: Path,
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = apply_recommendation(result, tmp_path / "direct.tflite")
    assert load_model(written).params["detection_threshold_list"] == list(OWN_LIST)

    applied = tmp_path / "tuned.tflite"
    assert main(["calibrate", "--model", str(own_model), "--stream", str(real_stream), "--thresholds", "250,254",
                 "--windows-ms", "500,1000", "--suppressions-ms", "1000", "--counts", "1,3", "--target-fa-per-hour",
                 f"{TARGET:g}", "--apply-to", str(applied), "--progress", "none"]) == 0
    assert "recommended for <= 1000 FA/h: yes>180, no>200" in capsys.readouterr().out
    params = load_model(applied).params
    assert params["detection_threshold_list"] == list(OWN_LIST)
    assert {k: params[k] for k in OWN} == OWN


def test_the_model_own_set_in_the_grid_is_that_row_and_wins_its_ties(real_stream: Path,
                                                                     reference_model: LoadedModel) -> None:
    own = DetectionSettings.from_params(reference_model.params)
    ranges = SweepRanges(thresholds=(own.detection_threshold, 254), windows_ms=(own.average_window_duration_ms,),
                         suppressions_ms=(own.suppression_ms,), counts=(own.minimum_count,))
    result = run_calibration(reference_model, CalibrationRequest(real_stream, real_stream.with_suffix(".json"),
                                                                 target_fa_per_hour=TARGET, ranges=ranges))
    assert not result.model_set_added and len(result.table) == result.grid_sets == 2
    assert result.model_index == 0 and result.recommended == 0 and result.recommends_model_set
    rows = list(csv.DictReader(sweep_csv(result).splitlines()))
    assert [r["model_own"] for r in rows] == ["1", "0"]


@pytest.fixture(scope="module")
def longer_stream(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:
    """Six minutes (about 30 keywords): enough misses for a front longer than the text report shows."""
    wav = tmp_path_factory.mktemp("longer") / "stream.wav"
    recipe = StreamRecipe(minutes=LONGER_MINUTES, seed=3, snr_reference="file")  # the stream the premise was found on
    write_stream(make_dataset_stream([speech_commands], recipe), wav)
    return wav


def test_the_text_report_says_how_many_front_rows_it_leaves_out(longer_stream: Path, real_stream: Path,
                                                                reference_model: LoadedModel) -> None:
    own = DetectionSettings.from_params(reference_model.params)  # in the grid: every front set is a sweep.csv row
    ranges = SweepRanges(thresholds=(*range(100, 255, 2), own.detection_threshold),
                         windows_ms=(300, 500, 750, own.average_window_duration_ms, 1500),
                         suppressions_ms=(own.suppression_ms, 1500), counts=(1, 2, own.minimum_count))
    result = run_calibration(reference_model, CalibrationRequest(longer_stream, longer_stream.with_suffix(".json"),
                                                                 ranges=ranges))
    front = len(result.front)
    assert front > TEXT_FRONT_ROWS and not result.model_set_added  # the premise: rows are left out
    lines = render_text(result).splitlines()
    rows = lines[lines.index("Pareto front (FA/h -> FRR):") + 1:]
    shown = [r for r in rows if "FA/h  FRR" in r]
    assert rows[-1] == f"  {len(shown)} of {front} Pareto sets shown; all are in calibration.json (and sweep.csv)"
    assert len(shown) < front

    small = run_calibration(reference_model, CalibrationRequest(real_stream, real_stream.with_suffix(".json"),
                                                                ranges=WORSE_GRID))
    assert len(small.front) <= TEXT_FRONT_ROWS and "Pareto sets shown" not in render_text(small)
