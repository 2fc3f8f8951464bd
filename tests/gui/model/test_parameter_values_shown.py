"""One way of writing a float parameter in the Model workspace's table and in ``kws params`` / ``kws info``: the
float32 as stored, shortest (1.2345679, 7500.0). A value typed is taken as the float32 the file will hold, the
tuned-away mark compares values, and after "Save into model…" the tuning's model values are what the file holds.
A real table, real files, the real CLI formatter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.cli.model.model_commands import format_value as cli_text
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.model.model_file import load_model, model_with_params
from workbench.core.model.model_params import read_params
from workbench.gui.model.parameter_table_view import COLUMN_FILE, COLUMN_NOW, ParameterTableView
from workbench.gui.model_loader import save_tuned_model

TYPED_GAIN = "1.23456789"


@pytest.fixture
def stored(reference_model_path):
    """The reference model holding a float32 gain and a float of its own, as written to a file and read back."""
    return model_with_params(load_model(reference_model_path), {"volume_gain": 1.23456789, "my_rate": 7500.0})


@pytest.fixture
def table(qtbot, stored):
    tuning = DetectionTuning(DetectionSettings.from_params(stored.params), classes=stored.classes)
    widget = ParameterTableView()
    qtbot.addWidget(widget)
    widget.set_params(stored.params, tuning)
    return widget, tuning


def test_floats_read_as_kws_params_prints_them(table, stored) -> None:
    view, _tuning = table
    assert view.item("volume_gain").text(COLUMN_FILE) == cli_text(stored.params["volume_gain"]) == "1.2345679"
    assert view.item("my_rate").text(COLUMN_FILE) == cli_text(stored.params["my_rate"]) == "7500.0"
    assert view.item("volume_gain").text(COLUMN_NOW) == "1.2345679"


def test_a_typed_value_is_the_float32_the_file_holds(table, stored) -> None:
    view, tuning = table
    view.item("volume_gain").setText(COLUMN_NOW, TYPED_GAIN)
    assert tuning.settings.volume_gain == stored.params["volume_gain"]
    assert not tuning.is_modified
    assert not view.item("volume_gain").font(COLUMN_NOW).bold()


def test_values_that_differ_beyond_the_text_shown_are_marked(table) -> None:
    view, tuning = table
    tuning.set(volume_gain=tuning.model_defaults.volume_gain + 1e-12)  # e.g. a script or a calibration
    assert view.item("volume_gain").font(COLUMN_NOW).bold()


def test_after_saving_the_model_values_are_what_the_file_holds(reference_model_path, tmp_path: Path) -> None:
    path = tmp_path / "m.tflite"
    shutil.copyfile(reference_model_path, path)
    model = load_model(path)
    tuning = DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes)
    tuning.set(volume_gain=float(TYPED_GAIN))  # not a float32
    save_tuned_model(model, tuning.settings, tuning, path)
    held = read_params(path.read_bytes())["volume_gain"]
    assert held != float(TYPED_GAIN)
    assert tuning.model_defaults.volume_gain == held == tuning.settings.volume_gain
    assert not tuning.is_modified
