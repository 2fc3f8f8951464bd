"""The model the open-model tests work on: a copy of the bundled model, open in the window, its threshold tuned
away from the file's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.bundled_model_paths import yes_no_model_path

TUNED_THRESHOLD = 211


def open_tuned_copy(window: Any, folder: Path) -> Path:
    path = folder / "mine.tflite"
    shutil.copyfile(yes_no_model_path(), path)
    assert window.open_model(path), window.last_error
    assert window.controller.tuning.set(detection_threshold=TUNED_THRESHOLD)
    return path
