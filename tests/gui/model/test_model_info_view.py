"""ModelInfoView shows the real reference model: classes, tensors, every SL_PARAMSv1 parameter."""

from __future__ import annotations

import pytest

from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import load_model
from workbench.core.model.tflite_graph import parse_model
from workbench.gui.model.model_info_view import (
    GROUP_DETECTION, GROUP_FRONTEND, GROUP_OTHER, ModelInfoView, describe_tensor, format_value,
)

REFERENCE_CLASS_COUNT = 4
REFERENCE_PARAM_COUNT = 34  # ../shared/README.md: SL_PARAMSv1 metadata with 34 entries


@pytest.fixture(scope="module")
def model(reference_model_path):
    return load_model(reference_model_path)


@pytest.fixture
def view(qtbot):
    widget = ModelInfoView()
    qtbot.addWidget(widget)
    return widget


def test_shows_classes_tensors_and_file(view, model):
    view.set_model(model)
    assert len(model.classes) == REFERENCE_CLASS_COUNT
    classes_text = view.field_text("classes")
    assert classes_text.startswith(f"{REFERENCE_CLASS_COUNT}:")
    for name in model.classes:
        assert name in classes_text
    graph = parse_model(model.tflite)
    input_tensor = graph.tensor(graph.inputs[0])
    assert view.field_text("input") == describe_tensor(input_tensor)
    assert input_tensor.shape_str in view.field_text("input") and "int8" in view.field_text("input")
    assert "zero point" in view.field_text("output")
    assert view.field_text("path") == str(model.path)
    assert f"{len(model.tflite):,} bytes" in view.field_text("size")
    assert view.field_text("layers") == str(len(graph.operators))
    frames, channels = FrontendSettings.from_params(model.params).spectrogram_shape
    assert f"{frames} frames × {channels} channels" in view.field_text("frontend")


def test_every_parameter_is_listed_in_its_group(view, model):
    view.set_model(model)
    shown = view.parameters_shown()
    listed = {key: value for group in shown.values() for key, value in group.items()}
    assert len(model.params) == REFERENCE_PARAM_COUNT
    assert len(listed) == REFERENCE_PARAM_COUNT
    for key, value in model.params.items():
        assert listed[key] == format_value(value)
    assert all(key.startswith("fe.") for key in shown[GROUP_FRONTEND])
    assert "detection_threshold" in shown[GROUP_DETECTION]
    assert "classes" in shown[GROUP_OTHER]


def test_clearing_and_switching_models(view, model):
    view.set_model(model)
    view.set_model(None)
    assert view.parameters_shown() == {}
    assert view.field_text("name") == "—"
    view.set_model(model)
    assert view.field_text("name") == model.name


def test_archive_model_shows_its_size_too(qtbot, shared_dir):
    archive = shared_dir / "reference-models" / "tflite_micro_speech.mltk.zip"
    if not archive.exists():
        pytest.skip(f"reference archive not available: {archive}")
    model = load_model(archive)
    view = ModelInfoView(model)
    qtbot.addWidget(view)
    assert "archive" in view.field_text("size")
    assert len(view.parameters_shown()[GROUP_FRONTEND]) > 0
