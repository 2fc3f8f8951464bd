"""The bundled models as a user gets them: the default, the stream model, runs wherever kws_yes_no runs."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.assets import asset_path, default_model_path, sample_audio_path
from workbench.cli.main import main
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import load_model
from workbench.core.model.tflite_graph import parse_model
from workbench.datasets.layout import is_negative_class

from tests.bundled_model_paths import yes_no_model_path

STREAM_MODEL = "kws_yes_no_stream"


def _stream_model_path() -> Path:
    return asset_path(f"models/{STREAM_MODEL}.tflite")  # listed by bundled_models(): test_main_window, kws models


def _input(tflite: bytes) -> tuple[tuple[int, ...], str, tuple[float, ...], tuple[int, ...]]:
    graph = parse_model(tflite)
    tensor = graph.tensors[graph.inputs[0]]
    return tensor.shape, tensor.dtype, tensor.scale, tensor.zero_point


def test_the_default_stream_model_hears_through_kws_yes_nos_frontend_with_its_classes_first() -> None:
    assert default_model_path() == _stream_model_path()
    yes_no, stream = load_model(yes_no_model_path()), load_model(_stream_model_path())
    assert stream.classes[:len(yes_no.classes)] == yes_no.classes
    extra = stream.classes[len(yes_no.classes):]
    assert extra and all(is_negative_class(name) for name in extra)  # never reported by the firmware
    assert FrontendSettings.from_params(stream.params) == FrontendSettings.from_params(yes_no.params)
    assert _input(stream.tflite) == _input(yes_no.tflite)
    assert len(stream.params["detection_threshold_list"]) == len(stream.classes)
    assert stream.params["name"] == STREAM_MODEL


def test_the_stream_model_detects_the_sample_with_its_own_parameters(capsys) -> None:
    path = _stream_model_path()
    assert main(["detect", str(sample_audio_path()), "--model", str(path), "--format", "jsonl"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [e["label"] for e in events] == ["yes", "no"]
    model = load_model(path)
    thresholds = dict(zip(model.classes, model.params["detection_threshold_list"]))
    assert all(thresholds[e["label"]] < e["score"] <= 255 for e in events)
