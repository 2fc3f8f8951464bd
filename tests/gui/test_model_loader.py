"""Reading a model for the stream, before any session is touched: remembered detection values that still fit
are used and ones that do not are dropped, a model that cannot stream comes back for inspection with its reason,
and a file that is not a model fails with a reason that names no path. The real bundled model and real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.assets import default_model_path
from workbench.core.errors import ModelError
from workbench.core.model.model_file import load_model, model_with_params
from workbench.gui.model_loader import read_model

REMEMBERED_THRESHOLD = 201
OUT_OF_RANGE_THRESHOLD = 9_999  # above the firmware's 255: a remembered value that no longer fits
CHANNELS_KEY = "fe.filterbank_n_channels"
OTHER_CHANNELS = 20  # the bundled model takes 40 channels: with 20 it can be inspected, not streamed


def test_remembered_values_that_fit_are_used_and_others_dropped(qapp) -> None:
    own = read_model(default_model_path())
    assert own.problem is None and own.engine is not None
    assert own.settings.detection_threshold not in (REMEMBERED_THRESHOLD, OUT_OF_RANGE_THRESHOLD)
    remembered = read_model(default_model_path(), lambda _model: {"detection_threshold": REMEMBERED_THRESHOLD})
    assert remembered.settings.detection_threshold == REMEMBERED_THRESHOLD
    assert remembered.tuning.settings == remembered.settings
    assert remembered.tuning.is_modified
    stale = read_model(default_model_path(), {"detection_threshold": OUT_OF_RANGE_THRESHOLD})
    assert stale.settings == own.settings and not stale.tuning.is_modified


def test_a_model_that_cannot_stream_comes_back_for_inspection(qapp, tmp_path: Path) -> None:
    path = tmp_path / "channels20.tflite"
    path.write_bytes(model_with_params(load_model(default_model_path()), {CHANNELS_KEY: OTHER_CHANNELS}).tflite)
    loaded = read_model(path, {"detection_threshold": REMEMBERED_THRESHOLD})
    assert loaded.engine is None and loaded.tuning is None and loaded.problem
    assert not loaded.problem.startswith(f"model {loaded.model.name}") and not loaded.problem.endswith(".")
    assert loaded.settings.detection_threshold != REMEMBERED_THRESHOLD  # the model's own values, for the board


def test_a_file_that_is_not_a_model_fails_with_its_reason(qapp, tmp_path: Path) -> None:
    path = tmp_path / "notes.tflite"
    path.write_text("not a model")
    with pytest.raises(ModelError) as caught:
        read_model(path)
    assert str(caught.value) == f"{path} {caught.value.reason}" and str(path) not in caught.value.reason
