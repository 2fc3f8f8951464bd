"""The window tells the Tuning panel which model it tunes, so its line under the Inference interval follows the
model opened: kws_yes_no_stream (about 52 ms per inference on the board, estimated) cannot infer every 10 ms,
tflite_micro_speech (about 6 ms) can; and a model saved over its own file keeps its estimate."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.bundled_models import bundled_model_file

FAST_POSITION = 1  # the Inference interval slider's steps are 10 ms


def _set_interval_10_ms(window) -> None:  # type: ignore[no-untyped-def]
    window.tuning_panel.rows["latency_ms"].slider.setValue(FAST_POSITION)
    assert window.controller.settings.latency_ms == 10


def test_the_line_follows_the_model_opened_and_its_saved_file(window, tmp_path: Path,
                                                              reference_model_path: Path) -> None:
    stream_model = tmp_path / "stream.tflite"
    shutil.copy(bundled_model_file("kws_yes_no_stream"), stream_model)
    assert window.open_model(stream_model), window.last_error
    label = window.tuning_panel.pace_label
    assert not label.isVisible()  # its own 100 ms
    _set_interval_10_ms(window)
    assert label.isVisible() and "about 52.5 ms" in label.warning
    assert window.save_parameters(stream_model), window.last_error  # over its own file: the model is reloaded
    assert window.controller.model.params["latency_ms"] == 10
    assert label.isVisible() and "about 52.5 ms" in label.warning
    assert window.open_model(reference_model_path), window.last_error
    _set_interval_10_ms(window)
    assert not label.isVisible() and label.estimate is not None and label.estimate.time_ms < 10
