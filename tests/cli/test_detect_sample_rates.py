"""`kws detect` with a model whose frontend runs at 8 kHz: a file of any rate is heard at the model's rate, its
seconds are the file's own, and a 16 kHz file is heard exactly as `kws calibrate` replays it (real files, the
bundled model with an 8 kHz frontend, see :mod:`tests.frontend_rates`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.frontend_rates import LOW_RATE, copy_at_rate, save_low_rate_model
from workbench.assets import default_model_path, sample_audio_path
from workbench.calibration.replay import replay_file
from workbench.cli.main import main
from workbench.core.model.model_file import load_model

SAMPLE_SECONDS = 4.5
INFERENCES = 45  # one every 100 ms (the model's latency_ms) of the 4.5 s sample
LABELS = {"events": [{"label": "yes", "start_s": 1.0, "end_s": 1.6}, {"label": "no", "start_s": 2.8, "end_s": 3.4}]}


@pytest.fixture(scope="module")
def low_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_low_rate_model(load_model(default_model_path()), tmp_path_factory.mktemp("model") / "low.tflite")


@pytest.fixture(scope="module", params=[16000, LOW_RATE], ids=["16 kHz", "8 kHz"])
def audio(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample at 16 kHz, as shipped, and at 8 kHz, each with labels beside it."""
    folder = tmp_path_factory.mktemp("audio")
    (folder / "labels.json").write_text(json.dumps(LABELS))
    return copy_at_rate(Path(sample_audio_path()), request.param, folder / "sample.wav")


def test_detect_hears_any_rate_for_its_real_length(capsys: pytest.CaptureFixture[str], low_model_path: Path,
                                                   audio: Path) -> None:
    code = main(["detect", str(audio), "--model", str(low_model_path), "--format", "jsonl", "--scores",
                 "--labels", str(audio.parent / "labels.json")])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    scores = [line for line in lines if line["type"] == "scores"]
    assert len(scores) == INFERENCES and scores[-1]["time_s"] == SAMPLE_SECONDS
    summary = lines[-1]
    assert summary["type"] == "summary" and summary["duration_s"] == SAMPLE_SECONDS and summary["keywords"] == 2
    assert "interrupted" not in err


def test_a_file_of_any_rate_is_heard_as_calibrate_replays_it(capsys: pytest.CaptureFixture[str],
                                                              low_model_path: Path, audio: Path) -> None:
    """Sample for sample: the file is decoded at the model's rate once (an 8 kHz file taken to 16 kHz and back
    gave one false accept more than calibrate on a 3-minute stream)."""
    code = main(["detect", str(audio), "--model", str(low_model_path), "--format", "jsonl", "--scores"])
    out, err = capsys.readouterr()
    assert code == 0, err
    heard = [json.loads(line) for line in out.splitlines()]
    model = load_model(low_model_path)
    replay = replay_file(model, audio)
    scores = np.array([[line["scores"][c] for c in model.classes] for line in heard if line["type"] == "scores"])
    assert np.array_equal(scores, replay.scores)
