"""The starting weights' file is read by its kind; a file of no model kind is named with the kinds it may be."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import ModelError

pytest.importorskip("tensorflow")

from workbench.training.model.weights_import import read_source_weights  # noqa: E402


def test_a_file_of_no_model_kind_is_told_which_files_init_from_takes(tmp_path: Path) -> None:
    table = tmp_path / "bin.csv"
    table.write_text("a,b\n1,2\n")
    with pytest.raises(ModelError, match=r"bin\.csv is no model to start from: give a \.h5, \.keras, \.mltk\.zip or "
                                         r"\.tflite model of the same spec, or a bundled model's name"):
        read_source_weights(table)


def test_a_broken_h5_file_is_still_called_an_unreadable_h5(tmp_path: Path) -> None:
    broken = tmp_path / "weights.h5"
    broken.write_bytes(b"not hdf5 at all")
    with pytest.raises(ModelError, match="is not a readable Keras .h5 file"):
        read_source_weights(broken)
