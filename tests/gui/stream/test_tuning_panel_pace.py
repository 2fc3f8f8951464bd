"""The Tuning panel's line under the Inference interval: shown while the interval is shorter than the model's
estimated time per inference on the board (about 52 ms for the bundled kws_yes_no_stream), hidden once it is not;
the estimate is made once per model, never per slider move. A real panel on the real model."""

from __future__ import annotations

import pytest

import workbench.profiler.inference_pace as inference_pace
from workbench.bundled_models import bundled_model_file
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.model.model_file import LoadedModel, load_model
from workbench.gui.stream.tuning_panel import TuningPanel

STREAM_MODEL_MS = 52.480948  # the profiler's estimate for kws_yes_no_stream (MVP, 78 MHz)
FAST_POSITION, SLOW_POSITION = 1, 6  # Inference interval slider steps of 10 ms: 10 ms and 60 ms


@pytest.fixture(scope="module")
def model() -> LoadedModel:
    path = bundled_model_file("kws_yes_no_stream")
    assert path is not None
    return load_model(path)


@pytest.fixture
def tuning(model: LoadedModel) -> DetectionTuning:
    return DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes)


@pytest.fixture
def panel(qtbot, tuning: DetectionTuning, model: LoadedModel) -> TuningPanel:
    widget = TuningPanel()
    qtbot.addWidget(widget)
    widget.set_tuning(tuning, model)
    widget.show()
    return widget


def test_the_line_shows_and_hides_as_the_slider_crosses_the_estimate(panel, tuning, qtbot) -> None:
    label, slider = panel.pace_label, panel.rows["latency_ms"].slider
    assert tuning.settings.latency_ms == 100 and not label.isVisible() and panel.pace_label.warning == ""
    slider.setValue(FAST_POSITION)
    assert tuning.settings.latency_ms == 10
    assert label.isVisible()
    assert label.warning == ("Too short for the board: an inference takes about 52.5 ms there (estimated, the model "
                             "alone), so it infers about every 53 ms at best; 60 ms or more keeps up.")
    assert label.toolTip().startswith("latency_ms 10 is shorter than the 52.5 ms an inference of the model takes")
    slider.setValue(SLOW_POSITION)
    assert tuning.settings.latency_ms == 60 and not label.isVisible() and label.warning == ""
    panel.rows["latency_ms"].spin.setValue(52)  # typed: just under the estimate
    assert label.isVisible() and "52.5 ms" in label.warning


def test_the_line_sits_under_the_inference_interval_row(panel) -> None:
    panel.rows["latency_ms"].slider.setValue(FAST_POSITION)
    label, slider = panel.pace_label, panel.rows["latency_ms"].slider
    label_top = label.mapTo(panel, label.rect().topLeft()).y()
    assert label_top > slider.mapTo(panel, slider.rect().bottomLeft()).y()


def test_a_slider_move_compares_without_profiling(panel, monkeypatch) -> None:
    assert panel.pace_label.estimate is not None
    assert panel.pace_label.estimate.time_ms == pytest.approx(STREAM_MODEL_MS)
    calls: list[object] = []
    real = inference_pace.build_report
    monkeypatch.setattr(inference_pace, "build_report", lambda *a, **k: calls.append(a) or real(*a, **k))
    for position in (FAST_POSITION, SLOW_POSITION, FAST_POSITION):
        panel.rows["latency_ms"].slider.setValue(position)
    assert panel.pace_label.isVisible() and calls == []


def test_without_a_model_or_a_tuning_nothing_is_said(qtbot, tuning) -> None:
    widget = TuningPanel(tuning)  # no model given: nothing to compare with
    qtbot.addWidget(widget)
    widget.show()
    widget.rows["latency_ms"].slider.setValue(FAST_POSITION)
    assert tuning.settings.latency_ms == 10 and not widget.pace_label.isVisible()
    widget.set_tuning(None)
    assert not widget.pace_label.isVisible() and widget.pace_label.estimate is None


def test_a_model_the_stream_cannot_run_hides_the_line_with_the_controls(panel) -> None:
    panel.rows["latency_ms"].slider.setValue(FAST_POSITION)
    assert panel.pace_label.isVisible()
    panel.set_unavailable("its input is not a spectrogram")
    assert panel.pace_label.isHidden()
    panel.set_unavailable(None)
    assert panel.pace_label.isVisible()
