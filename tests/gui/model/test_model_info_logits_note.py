"""The Model workspace notes under the output when a model's scores are logits, and under the input when a uint8
input clips the spectrogram (tiny converted models; that the note fits a small window: test_model_summary_fits)."""

from __future__ import annotations

from tests.tiny_models import logits_model, softmax_model, uint8_signed_input_model
from workbench.core.model.model_file import model_from_bytes
from workbench.gui.model.model_info_view import ModelInfoView

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
