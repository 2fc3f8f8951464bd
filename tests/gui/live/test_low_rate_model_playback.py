"""File > Open audio… with a model whose frontend runs at 8 kHz: the window plays a 16 kHz file and an 8 kHz one to
their real length, an inference every 100 ms as at 16 kHz (the main window, real files, the bundled model with an
8 kHz frontend, see :mod:`tests.frontend_rates`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.frontend_rates import LOW_RATE, copy_at_rate, save_low_rate_model
from workbench.assets import default_model_path, sample_audio_path
from workbench.core.model.model_file import load_model

SAMPLE_SECONDS = 4.5
INFERENCES = 45  # one every 100 ms (the model's latency_ms)


@pytest.mark.parametrize("rate", [16000, LOW_RATE])
def test_the_window_plays_a_file_of_any_rate_to_a_low_rate_model(qtbot, window, play_file, tmp_path: Path,
                                                                  rate: int) -> None:
    model = save_low_rate_model(load_model(default_model_path()), tmp_path / "low.tflite")
    assert window.open_model(model), window.last_error
    play_file(window, copy_at_rate(Path(sample_audio_path()), rate, tmp_path / "sample.wav"))
    session = window.controller.session
    assert session.error is None, session.error
    assert session.engine.sample_rate == LOW_RATE and session.engine.stream_time_s == SAMPLE_SECONDS
    assert session.inferences.total == INFERENCES
    assert session.source.sample_rate == LOW_RATE  # decoded at the model's rate once, as kws calibrate loads it
