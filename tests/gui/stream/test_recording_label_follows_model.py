"""The Recording clips label after another model opens: the new model's classes, not the old model's first class
(a go/stop model opened after the bundled yes/no one still offered "yes", and takes of "go" were filed as "yes"
clips); a label the user typed, or a class both models have, stays."""

from __future__ import annotations

from pathlib import Path

from workbench.assets import default_model_path
from workbench.core.model.model_params import read_params, write_params

GO_STOP = ("go", "stop", "_unknown_", "_silence_")


def go_stop_model(folder: Path) -> Path:
    """The bundled model's network with the classes of a go/stop model (as a trained one names them)."""
    tflite = default_model_path().read_bytes()
    path = folder / "go_stop.tflite"
    path.write_bytes(write_params(tflite, {**read_params(tflite), "classes": list(GO_STOP)}))
    return path


def test_the_label_follows_the_new_models_classes(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = window.source_panel.recording
    assert view.label() == "yes"  # the bundled yes/no model's first class, offered, never typed
    assert window.open_model(go_stop_model(tmp_path)), window.last_error
    combo = view.label_combo
    assert [combo.itemText(i) for i in range(combo.count())] == list(GO_STOP)
    assert view.label() == "go"
    view.set_label("stop")  # picked from the new list: a class the bundled model lacks
    assert window.open_model(default_model_path()), window.last_error
    assert view.label() == "yes"


def test_a_typed_label_and_a_shared_class_stay(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = window.source_panel.recording
    view.set_label("_silence_")  # a class of both models
    assert window.open_model(go_stop_model(tmp_path)), window.last_error
    assert view.label() == "_silence_"
    view.set_label("hey_lamp")  # typed: a word neither model knows, recorded to train a new one
    assert window.open_model(default_model_path()), window.last_error
    assert view.label() == "hey_lamp"
