"""A recommendation that detects none of the stream's keywords: the report, --apply-to and the GUI's status say
one cause, the one that holds (real replays of a silent stream and of the sample with misplaced labels, the
bundled model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workbench.assets import default_model_path, sample_audio_path
from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.results.keyword_misses import keyword_misses_reason
from workbench.calibration.results.output_files import apply_recommendation, write_outputs
from workbench.calibration.results.report import render_text
from workbench.calibration.results.result_files import load_calibration_output
from workbench.calibration.sweep.grid import SweepRanges
from workbench.core.audio.audio_file import save_wav
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel, load_model

RANGES = SweepRanges(thresholds=(100, 150, 200), windows_ms=(300, 1000), suppressions_ms=(1000,), counts=(1, 3))
SILENT_SECONDS = 20
RATE = 16000
KEYWORDS = ("yes", "no")


@pytest.fixture(scope="module")
def model() -> LoadedModel:
    return load_model(default_model_path())


@pytest.fixture(scope="module")
def silent(tmp_path_factory: pytest.TempPathFactory, model: LoadedModel) -> CalibrationResult:
    """Twenty seconds of digital silence labelled with a "yes" and a "no": the model never hears a keyword."""
    wav = save_wav(tmp_path_factory.mktemp("silent") / "silent.wav", np.zeros(SILENT_SECONDS * RATE, np.int16))
    wav.with_suffix(".json").write_text(json.dumps({"events": [{"label": "yes", "start_s": 5, "end_s": 6},
                                                               {"label": "no", "start_s": 12, "end_s": 13}]}))
    return run_calibration(model, CalibrationRequest(wav, wav.with_suffix(".json"), ranges=RANGES))


def test_the_cause_follows_what_the_other_sets_do() -> None:
    hits_over_target = keyword_misses_reason([1.0, 0.5], [0.0, 300.0], 1.0, 100.0, KEYWORDS)
    assert hits_over_target is not None and hits_over_target.endswith(
        "every set that detects some gives more than 100 false accepts per hour; raise the target")
    misplaced = keyword_misses_reason([1.0, 1.0], [0.0, 30.0], 1.0, 100.0, KEYWORDS)
    assert misplaced is not None and "check that the labels mark the keywords where" in misplaced
    assert "raise the target" not in misplaced
    silent = keyword_misses_reason([1.0, 1.0], [0.0, 0.0], 1.0, 100.0, KEYWORDS)
    assert silent is not None and silent.startswith("no parameter set detects any keyword")
    assert "the model's classes (yes, no) match the stream's labels" in silent and "raise the target" not in silent
    assert keyword_misses_reason([1.0, 0.5], [0.0, 3.0], 0.5, 100.0, KEYWORDS) is None
    assert keyword_misses_reason([1.0], [0.0], None, 100.0, KEYWORDS) is None


def test_a_model_that_never_detects_is_said_once_by_report_apply_and_status(silent: CalibrationResult,
                                                                            tmp_path: Path) -> None:
    assert silent.recommends_model_set and silent.table.frr.min() == 1.0 and silent.table.fa_per_hour.max() == 0
    reason = silent.keyword_misses
    assert reason is not None and reason.startswith("no parameter set detects any keyword")
    text = render_text(silent)
    assert f"no setting to ship for <= 100 FA/h: {reason}\n" in text
    assert "nothing to change" not in text and "raise the target" not in text and "(recommended)" not in text
    with pytest.raises(WorkbenchError) as refused:
        apply_recommendation(silent, tmp_path / "tuned.tflite")
    assert str(refused.value) == f"no model copy written: {reason}"
    assert not (tmp_path / "tuned.tflite").exists()
    write_outputs(silent, tmp_path / "report", plot=False)
    status = load_calibration_output(tmp_path / "report").summary_lines()[0]
    assert status == f"Nothing to ship for ≤ 100 FA/h: {reason}."


def test_labels_away_from_the_keywords_are_said_so(model: LoadedModel, tmp_path: Path) -> None:
    """The sample's "yes" and "no" are detected, but the labels put one "yes" after both: every set misses it."""
    labels = tmp_path / "late.json"
    labels.write_text(json.dumps({"events": [{"label": "yes", "start_s": 4.2, "end_s": 4.4}]}))
    result = run_calibration(model, CalibrationRequest(Path(sample_audio_path()), labels, tolerance_s=0.0,
                                                       ranges=RANGES, target_fa_per_hour=1e6))
    assert result.table.frr.min() == 1.0 and result.table.fa_per_hour.max() > 0
    assert result.keyword_misses is not None and "where the labels mark none" in result.keyword_misses
    assert f"no setting to ship for <= 1e+06 FA/h: {result.keyword_misses}\n" in render_text(result)
