"""The window's title names the model's file: a model and the copy "Save into model…" made of it carry one name in
their parameters, and a title of that name alone read the same for both (the custom-keyword audit opened the
calibrated copy and could not tell from the title which file was open)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.bundled_model_paths import yes_no_model_path


def test_the_title_names_the_file_and_the_model_when_they_differ(qtbot, window, tmp_path: Path) -> None:
    assert window.windowTitle() == f"KWS Workbench — {yes_no_model_path().name}"  # kws_yes_no.tflite: no repeat
    copy = tmp_path / "kws_yes_no-calibrated.tflite"
    shutil.copyfile(yes_no_model_path(), copy)
    assert window.open_model(copy), window.last_error
    assert window.windowTitle() == "KWS Workbench — kws_yes_no-calibrated.tflite (kws_yes_no)"


def test_the_status_bar_names_the_model_as_the_title_does(qtbot, window, tmp_path: Path) -> None:
    """The status bar said "model: kws_yes_no" for the model and for its calibrated copy alike; it names the file
    as the title does, and its tooltip says where the file is."""
    copy = tmp_path / "kws_yes_no-calibrated.tflite"
    shutil.copyfile(yes_no_model_path(), copy)
    assert window.open_model(copy), window.last_error
    label = window.status_labels["model"]
    assert label.text() == "model: kws_yes_no-calibrated.tflite (kws_yes_no)"
    assert str(copy) in label.toolTip()
