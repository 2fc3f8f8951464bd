"""The window's file dialogs and its recent-files menu.

Why apart from the window: each dialog only asks for a path and hands it to the window's
``open_model`` / ``open_audio`` / ``save_parameters`` / the log's export, which are what scripts and
tests call; keeping the asking here keeps :mod:`workbench.gui.window.main_window` about wiring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from workbench.core.audio.audio_file import AUDIO_SUFFIXES
from workbench.core.errors import WorkbenchError

MODEL_FILTER = "Models (*.tflite *.mltk.zip *.zip);;All files (*)"
AUDIO_FILTER = f"Audio files ({' '.join('*' + suffix for suffix in AUDIO_SUFFIXES)});;All files (*)"
CSV_FILTER = "CSV (*.csv)"
TUNED_SUFFIX = "-tuned.tflite"


def choose_model(window: Any) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open model", "", MODEL_FILTER)
    if path:
        window.open_model(path)


def choose_audio(window: Any) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open audio", "", AUDIO_FILTER)
    if path:
        window.open_audio(path)


def choose_save_parameters(window: Any) -> None:
    """Ask where the copy of the model with the parameters in use goes (beside the model by default)."""
    if window.model_path is None:
        return
    suggestion = window.model_path.with_name(window.model_path.stem.replace(".mltk", "") + TUNED_SUFFIX)
    path, _ = QFileDialog.getSaveFileName(window, "Save parameters into a model copy", str(suggestion),
                                          "TFLite model (*.tflite)")
    if path:
        window.save_parameters(path)


def choose_export_log(window: Any) -> None:
    path, _ = QFileDialog.getSaveFileName(window, "Export detection log", "detections.csv", CSV_FILTER)
    if not path:
        return
    try:
        window.log.export_csv(path)
    except WorkbenchError as exc:
        window.show_error(str(exc))
    else:
        window.show_status(f"exported {len(window.log.entries)} detections to {path}")


def update_recent_menu(window: Any, recent: list[Path]) -> None:
    menu = window.recent_menu
    menu.clear()
    for path in recent:
        action = menu.addAction(path.name)
        action.setToolTip(str(path))
        action.triggered.connect(lambda _=False, p=path: open_recent(window, p))
    menu.setEnabled(bool(recent))


def open_recent(window: Any, path: Path) -> bool:
    """Open a recent file; one that is gone is said so and leaves the menu."""
    if not path.exists():
        update_recent_menu(window, window.settings.remove_recent(path))
        window.show_error(f"{path} no longer exists; removed it from the recent files")
        return False
    return window.open_path(path)
