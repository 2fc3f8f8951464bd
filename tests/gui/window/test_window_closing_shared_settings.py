"""A window closed untouched writes nothing over what another window chose in the same settings file meanwhile:
another process's tuning of another model is still there for the next start (the close wrote the list this window
had read at its start, without it). A real window, a real second process (:mod:`other_window_settings`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings

from tests.bundled_model_paths import yes_no_model_path
from tests.gui import other_window_settings
from workbench.gui.settings.app_settings import AppSettings
from workbench.gui.model_loader import read_model

OTHER_THRESHOLD = 222  # differs from the bundled model's own threshold


def test_closing_an_untouched_window_keeps_another_windows_tuning(window, tmp_path: Path) -> None:
    other = tmp_path / "A.tflite"
    shutil.copy(yes_no_model_path(), other)
    assert read_model(other).settings.detection_threshold != OTHER_THRESHOLD
    settings_file = Path(window.settings.qsettings.fileName())
    other_window_settings.run(settings_file, "tune", str(other), str(OTHER_THRESHOLD))
    assert window.close()
    restarted = tmp_path / "restarted"  # the next start reads the file (a copy: one process shares unwritten values)
    restarted.mkdir()
    copy = shutil.copy(settings_file, restarted / settings_file.name)
    next_start = AppSettings(QSettings(str(copy), QSettings.Format.IniFormat))
    assert next_start.detection_params(read_model(other).model) == {"detection_threshold": OTHER_THRESHOLD}
