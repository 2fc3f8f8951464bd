"""The Model workspace's summary fits a 1280x720 window: a logits model's note under its output is shown whole, and
a model kept deep in folders whose board row has fixes to give does not push the summary sideways (the fixes name
the file, not its whole path, which the summary could not wrap). The real main window, tiny converted models."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea

from tests.tiny_models import logits_model
from workbench.assets import default_model_path
from workbench.core.model.model_file import load_model, model_with_params, save_model
from workbench.core.model.model_params import write_params
from workbench.gui.model.model_info_view import ModelInfoView

SMALL_WINDOW = (1280, 720)
NOTE = "The model's output is not a softmax (its last op is FULLY_CONNECTED): its scores are logits"


def _summary_row(window, qtbot, path: Path, key: str) -> tuple[QLabel, QScrollArea]:  # type: ignore[no-untyped-def]
    """Open ``path`` in the window at 1280x720 and show the Model workspace: the summary row ``key`` and the area
    that scrolls it."""
    window.resize(*SMALL_WINDOW)
    assert window.open_model(path), window.last_error
    window.show_workspace("model")
    view = window.findChild(ModelInfoView)
    label = view.summary_labels[key]
    qtbot.waitUntil(label.isVisible)
    QApplication.processEvents()
    return label, next(area for area in view.findChildren(QScrollArea) if area.isAncestorOf(label))


def test_the_note_is_seen_whole_in_a_small_window(window, qtbot, tmp_path: Path) -> None:
    path = tmp_path / "logits.tflite"  # with the bundled model's parameters: the board row has nothing to say
    path.write_bytes(write_params(logits_model(), load_model(default_model_path()).params))
    label, scroll = _summary_row(window, qtbot, path, "output")
    assert NOTE in label.text()
    viewport = scroll.viewport()
    left = label.mapTo(viewport, QPoint(0, 0)).x()
    assert left >= 0 and left + label.width() <= viewport.width()  # no line runs past the summary's edge
    assert not scroll.horizontalScrollBar().isVisible()
    assert label.height() >= label.heightForWidth(label.width())  # every wrapped line of it has room


def test_a_deep_models_board_fixes_do_not_push_the_summary_sideways(window, qtbot, tmp_path: Path) -> None:
    folder = tmp_path.joinpath(*(f"keyword_spotting_project_{n:02d}" for n in range(8)))  # 200+ characters
    folder.mkdir(parents=True)
    path = folder / "bare.tflite"
    model = load_model(default_model_path())
    save_model(model_with_params(model, dict.fromkeys(model.params)), path)  # no class names, no fe.*
    label, scroll = _summary_row(window, qtbot, path, "board")
    assert "kws params bare.tflite classes=" in label.text() and str(folder) not in label.text()
    assert not scroll.horizontalScrollBar().isVisible()
