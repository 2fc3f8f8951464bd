"""A model whose frontend runs at 8 kHz is calibrated on the stream's real seconds, whatever rate the stream was
recorded at: the audio is brought to the model's rate once, on load (real stream of Speech Commands clips; the
reference model with an 8 kHz frontend, see :mod:`tests.frontend_rates`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.frontend_rates import LOW_RATE, copy_at_rate, low_rate_model
from workbench.assets import sample_audio_path
from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.replay import model_sample_rate, replay_file
from workbench.calibration.results.report import render_text
from workbench.calibration.sweep.grid import SweepRanges
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio
from workbench.core.model.model_file import LoadedModel, save_model

RANGES = SweepRanges(thresholds=(150, 200), windows_ms=(500, 1000), suppressions_ms=(1000,), counts=(1, 3))
INFERENCES_PER_SECOND = 10  # the reference model's latency_ms is 100


@pytest.fixture(scope="module")
def low_model(reference_model: LoadedModel) -> LoadedModel:
    return low_rate_model(reference_model)


@pytest.fixture(scope="module")
def low_rate_stream(real_stream: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_at_rate(real_stream, LOW_RATE, tmp_path_factory.mktemp("low_rate") / "stream_8k.wav")


def calibrate(model: LoadedModel, stream: Path) -> CalibrationResult:
    return run_calibration(model, CalibrationRequest(stream, stream.with_suffix(".json"), ranges=RANGES))


def test_replay_file_loads_at_the_models_rate(low_model: LoadedModel) -> None:
    assert model_sample_rate(low_model) == LOW_RATE
    replay = replay_file(low_model, sample_audio_path())
    assert replay.duration_s == 4.5 and replay.inferences == 45 and replay.time_ms[-1] == 4500


def test_a_16_khz_and_an_8_khz_stream_give_the_real_duration_and_the_same_inferences(
        real_stream: Path, low_rate_stream: Path, low_model: LoadedModel, reference_model: LoadedModel) -> None:
    duration_s = load_audio(real_stream).duration_s
    reference = calibrate(reference_model, real_stream)
    results = [calibrate(low_model, stream) for stream in (real_stream, low_rate_stream)]
    for result in results:
        assert result.stream.duration_s == pytest.approx(duration_s, abs=1 / LOW_RATE)
        assert result.stream.inferences == reference.stream.inferences == int(duration_s * INFERENCES_PER_SECOND)
        assert result.audio.stream_hours == pytest.approx(reference.audio.stream_hours)
        assert render_text(result).startswith(f"model {low_model.name}: {result.stream.inferences:,} inferences "
                                              f"every 100 ms over {duration_s / 60:.1f} min of stream")
    # the 8 kHz copy is what loading the 16 kHz stream at 8 kHz gives: the model hears the same samples
    assert np.array_equal(results[0].stream.scores, results[1].stream.scores)
    assert np.array_equal(results[0].table.fa_per_hour, results[1].table.fa_per_hour)


def test_kws_calibrate_reports_the_streams_seconds(capsys: pytest.CaptureFixture[str], low_rate_stream: Path,
                                                  reference_model: LoadedModel, tmp_path: Path) -> None:
    model = save_model(low_rate_model(reference_model), tmp_path / "low.tflite")
    assert main(["calibrate", "--model", str(model), "--stream", str(low_rate_stream), "--thresholds", "200",
                 "--windows-ms", "1000", "--counts", "3", "--format", "json", "--progress", "none"]) == 0
    stream = json.loads(capsys.readouterr().out)["stream"]
    duration_s = load_audio(low_rate_stream).duration_s
    assert stream["duration_s"] == pytest.approx(duration_s)
    assert stream["inferences"] == int(duration_s * INFERENCES_PER_SECOND)
