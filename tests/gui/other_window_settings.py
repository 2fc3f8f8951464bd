"""What another workbench window does to the shared settings file, in a process of its own:
``python other_window_settings.py SETTINGS_FILE ACTION ARG…`` (tests call :func:`run`).

Why a process: QSettings objects of one file in one process share what they read and set, so only another process
holds its own, older copy of the file, as a second window does.

Actions: ``tune MODEL THRESHOLD`` opens MODEL and keeps its detection threshold tuned to THRESHOLD; ``recent PATH``
opens PATH (it goes into File > Recent); ``firmware-export MODEL HEADER NAME`` exported MODEL as HEADER with its array
called NAME (File > Export for firmware remembers it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD_TIMEOUT_S = 120  # a safety net for a hung child, not a timing of the test
REPO = Path(__file__).resolve().parents[2]


def run(settings_file: Path | str, *action: str) -> None:
    """Do ``action`` on ``settings_file`` in another process, and wait until it has written the file."""
    result = subprocess.run([sys.executable, __file__, str(settings_file), *action], capture_output=True, text=True,
                            cwd=REPO, timeout=CHILD_TIMEOUT_S)
    assert result.returncode == 0, result.stderr


def main(settings_file: str, action: str, *args: str) -> None:
    from PySide6.QtCore import QSettings

    from workbench.gui.settings.app_settings import AppSettings
    from workbench.gui.model_loader import read_model

    settings = AppSettings(QSettings(settings_file, QSettings.Format.IniFormat))
    if action == "tune":
        loaded = read_model(args[0], settings.detection_params)
        loaded.tuning.set(detection_threshold=int(args[1]))
        settings.remember_tuning(loaded.model, loaded.tuning)
    elif action == "recent":
        settings.add_recent(Path(args[0]))
    elif action == "firmware-export":
        from workbench.gui.model.firmware_export_dialog import FirmwareExportChoice
        from workbench.gui.model.firmware_export_memory import FirmwareExportMemory

        FirmwareExportMemory(settings.qsettings).keep(Path(args[0]), FirmwareExportChoice(Path(args[1]), args[2]))
    else:
        raise SystemExit(f"unknown action {action!r}")
    settings.sync()


if __name__ == "__main__":
    main(*sys.argv[1:])
