"""Keras files as bytes: the in-memory serialisers and the temporary-file fallback give loadable files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from workbench.training.model.keras_builder import keras  # noqa: E402
from workbench.training.run import keras_files  # noqa: E402


def _model() -> keras.Model:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile("adam", "mse")
    return model


def _same_predictions(model: keras.Model, loaded: keras.Model) -> bool:
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    return bool(np.allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0)))


@pytest.mark.parametrize("fallback", [False, True], ids=["in-memory", "temporary-file fallback"])
def test_keras_archive_and_legacy_h5_load_back(tmp_path: Path, monkeypatch, fallback: bool) -> None:
    if fallback:  # a Keras whose private serialisers moved
        monkeypatch.setattr(keras_files, "_in_memory_serialisers", lambda: None)
    model = _model()
    archive, h5 = keras_files.keras_archive(model), keras_files.legacy_h5(model)
    (tmp_path / "m.keras").write_bytes(archive)
    (tmp_path / "m.h5").write_bytes(h5)
    assert _same_predictions(model, keras.models.load_model(tmp_path / "m.keras"))
    assert _same_predictions(model, keras.models.load_model(tmp_path / "m.h5", compile=False))
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert keras_files.ARCHIVE_WEIGHTS_ENTRY in zipped.namelist()
