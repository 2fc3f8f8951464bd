"""File ▸ Save parameters as preset…: the values tuned in the Live workspace written as a named preset, the model's
own parameters (what the board uses) unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from tests.bundled_model_paths import yes_no_model_path
from workbench.core.detection.presets import presets_in
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import save_preset_into_model
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import HASH_PARAM
from workbench.gui.model.preset_save_dialog import PresetSaveDialog
from workbench.gui.stream.preset_choice import CUSTOM_TEXT, OWN_TEXT
from workbench.gui.window.preset_saving import WORDING


def own_copy(window, tmp_path: Path, name: str = "desk.tflite") -> Path:  # type: ignore[no-untyped-def]
    """A copy of kws_yes_no in ``tmp_path``, opened in the window: a model whose own file may be written."""
    path = tmp_path / name
    shutil.copy(yes_no_model_path(), path)
    assert window.open_model(path), window.last_error
    return path


def tune_by_ear(window) -> DetectionSettings:  # type: ignore[no-untyped-def]
    """Move two sliders, as a user tuning at the desk does; the values then in force."""
    rows = window.tuning_panel.rows
    rows["detection_threshold"].spin.setValue(rows["detection_threshold"].value - 7)
    rows["suppression_ms"].slider.setValue(rows["suppression_ms"].slider.value() + 3)
    return window.controller.tuning.settings


def open_dialog(window, qtbot) -> PresetSaveDialog:  # type: ignore[no-untyped-def]
    """Choose File ▸ Save parameters as preset…; the dialog it opened."""
    window.save_preset_action.trigger()
    (dialog,) = [shown for shown in window.findChildren(PresetSaveDialog) if shown.isVisible()]  # (a closed one
    return dialog  # is deleted later)


def test_the_menu_item_follows_the_existing_save(window) -> None:
    action = window.save_preset_action
    assert action.text() == "Save parameters as &preset…"
    file_menu = window.menuBar().actions()[0].menu().actions()
    assert file_menu[file_menu.index(window.save_parameters_action) + 1] is action
    assert action.isEnabled() and window.save_parameters_action.isEnabled()


def test_the_dialog_offers_tuned_a_description_of_the_values_and_the_models_own_file(  # type: ignore[no-untyped-def]
        window, qtbot, tmp_path) -> None:
    path = own_copy(window, tmp_path)
    tuned = tune_by_ear(window)
    dialog = open_dialog(window, qtbot)
    assert dialog.windowTitle() == WORDING.title and dialog.intro.text() == WORDING.intro
    assert dialog.name_edit.text() == "tuned"
    assert dialog.description_edit.text() == (
        f"tuned in the Live workspace: threshold {tuned.detection_threshold}, window "
        f"{tuned.average_window_duration_ms} ms, suppression {tuned.suppression_ms} ms, count {tuned.minimum_count}")
    assert dialog.file_edit.text() == str(path) and dialog.file_note.text() == WORDING.into_own
    assert dialog.save_button.isEnabled()


def test_saving_into_the_open_models_own_file_adds_the_preset_the_values_choice_shows(  # type: ignore[no-untyped-def]
        window, qtbot, tmp_path) -> None:
    path = own_copy(window, tmp_path)
    before = load_model(path).params
    tuned = tune_by_ear(window)
    dialog = open_dialog(window, qtbot)
    dialog.description_edit.setText("at my desk")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    written = load_model(path)
    own = DetectionSettings.from_params(written.params)
    assert own == DetectionSettings.from_params(before)  # what the board uses: as it was
    assert {k: v for k, v in written.params.items() if not k.startswith("preset.") and k != HASH_PARAM} == \
        {k: v for k, v in before.items() if k != HASH_PARAM}
    (preset,) = presets_in(written.params, own, written.classes)
    assert (preset.name, preset.description, preset.settings) == ("tuned", "at my desk", tuned)
    choice = window.tuning_panel.preset_choice
    assert choice.isVisible() and choice.shown == "Tuned"  # offered at once, and the values in force are it
    assert window.controller.tuning.settings == tuned  # the sliders unchanged
    assert window.tuning_panel.rows["detection_threshold"].value == tuned.detection_threshold
    assert window.statusBar().currentMessage() == f"saved preset tuned into {path}"
    assert window.settings.recent_files()[0] == path
    choice.combo.setCurrentIndex(0)
    choice.combo.activated.emit(0)  # the model's own values: the saved ones are still its own
    assert window.controller.tuning.settings == own and choice.shown == OWN_TEXT


def test_a_preset_refined_by_ear_is_offered_by_its_name_and_replaced(  # type: ignore[no-untyped-def]
        window, qtbot, tmp_path) -> None:
    own_copy(window, tmp_path)
    tune_by_ear(window)
    first = open_dialog(window, qtbot)
    first.name_edit.setText("quiet_room")
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    choice = window.tuning_panel.preset_choice
    assert choice.shown == "Quiet room"
    refined = tune_by_ear(window)  # the user refines it by ear
    assert choice.shown == CUSTOM_TEXT
    dialog = open_dialog(window, qtbot)
    assert dialog.name_edit.text() == "quiet_room"
    assert dialog.name_message.text() == WORDING.replaces_preset.format(name="quiet_room")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    model = window.controller.model
    (preset,) = presets_in(model.params, DetectionSettings.from_params(model.params), model.classes)
    assert (preset.name, preset.settings) == ("quiet_room", refined) and choice.shown == "Quiet room"


def test_tuned_taken_offers_tuned_2(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    own_copy(window, tmp_path)
    qtbot.mouseClick(open_dialog(window, qtbot).save_button, Qt.MouseButton.LeftButton)
    tune_by_ear(window)
    assert open_dialog(window, qtbot).name_edit.text() == "tuned_2"


def test_a_bundled_model_is_never_written_a_copy_beside_it_is_offered(  # type: ignore[no-untyped-def]
        window, qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(Path, "home", lambda: tmp_path)  # where a copy of a bundled model is offered
    bundled = yes_no_model_path()
    assert Path(window.controller.model.path) == bundled
    untouched = bundled.read_bytes()
    tuned = tune_by_ear(window)
    dialog = open_dialog(window, qtbot)
    copy = tmp_path / "kws_yes_no-tuned.tflite"
    assert dialog.file_edit.text() == str(copy)
    dialog.file_edit.setText(str(bundled))
    assert not dialog.save_button.isEnabled() and dialog.file_note.is_error
    dialog.file_edit.setText(str(copy))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert bundled.read_bytes() == untouched
    written = load_model(copy)
    (preset,) = presets_in(written.params, DetectionSettings.from_params(written.params), written.classes)
    assert preset.settings == tuned
    assert Path(window.controller.model.path) == bundled  # a copy: the window's model stays the one it opened


def test_the_save_refuses_a_bundled_model_and_a_file_changed_on_disk(  # type: ignore[no-untyped-def]
        window, tmp_path) -> None:
    from workbench.gui.window.preset_saving import save_parameters_as_preset

    bundled = yes_no_model_path()
    untouched = bundled.read_bytes()
    assert save_parameters_as_preset(window, bundled, "desk", "") is None
    assert bundled.read_bytes() == untouched and "bundled model" in window.last_error
    path = own_copy(window, tmp_path)
    tune_by_ear(window)
    on_disk = load_model(path)  # kws calibrate --as-preset wrote into the open model's file since it was opened
    save_preset_into_model(on_disk, "office", DetectionSettings.from_params(on_disk.params), "", path)
    rewritten = path.read_bytes()
    assert save_parameters_as_preset(window, path, "desk", "") is None
    assert path.read_bytes() == rewritten and window.last_error.startswith(f"{path.name} changed on disk")
