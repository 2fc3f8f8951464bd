"""The Model workspace's summary fits a 1280x720 window for a model kept deep in folders whose board row has fixes
to give: the fixes name the file, not its whole path, which the summary could not wrap (the real main window)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QScrollArea

from workbench.assets import default_model_path
from workbench.core.model.model_file import load_model, model_with_params, save_model
from workbench.gui.model.model_info_view import ModelInfoView

SMALL_WINDOW = (1280, 720)


def test_a_deep_models_board_fixes_do_not_push_the_summary_sideways(window, qtbot, tmp_path: Path) -> None:
    folder = tmp_path.joinpath(*(f"keyword_spotting_project_{n:02d}" for n in range(8)))  # 200+ characters
    folder.mkdir(parents=True)
    path = folder / "bare.tflite"
    model = load_model(default_model_path())
    save_model(model_with_params(model, dict.fromkeys(model.params)), path)  # no class names, no fe.*
    window.resize(*SMALL_WINDOW)
    assert window.open_model(path), window.last_error
    window.show_workspace("model")
    view = window.findChild(ModelInfoView)
    label = view.summary_labels["board"]
    qtbot.waitUntil(label.isVisible)
    QApplication.processEvents()
    assert "kws params bare.tflite classes=" in label.text() and str(folder) not in label.text()
    scroll = next(area for area in view.findChildren(QScrollArea) if area.isAncestorOf(label))
    assert not scroll.horizontalScrollBar().isVisible()
