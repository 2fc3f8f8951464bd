"""The Model workspace notes under the output when a model's scores are logits, in a 1280x720 window where the
note is shown whole (tiny converted models; the real main window)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QScrollArea

from tests.tiny_models import logits_model, softmax_model, uint8_signed_input_model
from workbench.assets import default_model_path
from workbench.core.model.model_file import load_model, model_from_bytes
from workbench.core.model.model_params import write_params
from workbench.gui.model.model_info_view import ModelInfoView

SMALL_WINDOW = (1280, 720)
NOTE = "The model's output is not a softmax (its last op is FULLY_CONNECTED): its scores are logits"


def test_the_output_row_says_the_scores_are_logits(qtbot) -> None:
    view = ModelInfoView(model_from_bytes(logits_model(), "logits"))
    qtbot.addWidget(view)
    tensor, note = view.field_text("output").split("\n")
    assert "int8, scale" in tensor and note.startswith(NOTE) and note.endswith("before converting.")
    view.set_model(model_from_bytes(softmax_model(), "softmax"))
    assert "\n" not in view.field_text("output") and "logits" not in view.field_text("output")


def test_the_input_row_says_a_uint8_input_clips_the_spectrogram(qtbot) -> None:
    view = ModelInfoView(model_from_bytes(uint8_signed_input_model(), "uint8"))
    qtbot.addWidget(view)
    tensor, note = view.field_text("input").split("\n")
    assert "uint8, scale" in tensor and note.startswith("The model's uint8 input (scale ") and "become 255" in note
    view.set_model(model_from_bytes(softmax_model(), "softmax"))
    assert "\n" not in view.field_text("input")


def test_the_note_is_seen_whole_in_a_small_window(window, qtbot, tmp_path: Path) -> None:
    path = tmp_path / "logits.tflite"  # with the bundled model's parameters: the board row has nothing to say
    path.write_bytes(write_params(logits_model(), load_model(default_model_path()).params))
    window.resize(*SMALL_WINDOW)
    assert window.open_model(path), window.last_error
    window.show_workspace("model")
    view = window.findChild(ModelInfoView)
    label = view.summary_labels["output"]
    qtbot.waitUntil(label.isVisible)
    QApplication.processEvents()
    assert NOTE in label.text()
    scroll = next(area for area in view.findChildren(QScrollArea) if area.isAncestorOf(label))
    viewport = scroll.viewport()
    left = label.mapTo(viewport, QPoint(0, 0)).x()
    assert left >= 0 and left + label.width() <= viewport.width()  # no line runs past the summary's edge
    assert not scroll.horizontalScrollBar().isVisible()
    assert label.height() >= label.heightForWidth(label.width())  # every wrapped line of it has room
