"""The Tuning panel's Values choice (PresetChoice): a real kws_yes_no copy carrying a preset, the real panel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from tests.bundled_model_paths import yes_no_model_path
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning, save_preset_into_model
from workbench.core.model.model_file import LoadedModel, load_model, model_with_params
from workbench.gui.stream.preset_choice import CUSTOM_TEXT, OWN_TEXT
from workbench.gui.stream.tuning_panel import TuningPanel
from workbench.gui.widgets.eliding_combo_box import ElidingComboBox
from panel_dock import in_dock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import cut_off_texts  # noqa: E402

QUIET = DetectionSettings(detection_threshold=130, detection_threshold_list=(130, 190, 255, 255),
                          average_window_duration_ms=750, suppression_ms=1500, minimum_count=1, volume_gain=2)
QUIET_TEXT = "for a quiet room: keywords among silence and few other words"
NARROW = 307  # the Tuning dock's width at 16 pt in a 1280x720 window
TALL = 1400


@pytest.fixture(scope="module")
def quiet_model(tmp_path_factory: pytest.TempPathFactory) -> LoadedModel:
    path = tmp_path_factory.mktemp("preset_choice") / "quiet.tflite"
    return load_model(save_preset_into_model(load_model(yes_no_model_path()), "quiet_room", QUIET, QUIET_TEXT, path))


def bound_panel(qtbot, model: LoadedModel) -> tuple[TuningPanel, DetectionTuning]:  # type: ignore[no-untyped-def]
    tuning = DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes)
    panel = TuningPanel()
    panel.set_tuning(tuning, model)
    qtbot.addWidget(panel)
    panel.show()
    return panel, tuning


def choose(qtbot, combo: QComboBox, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick the item ``text`` as a user does with the keyboard: each arrow press on the box is the user's choice."""
    target = combo.findText(text)
    assert target >= 0, text
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def test_the_choice_offers_the_models_own_values_and_each_preset_with_its_description(qtbot, quiet_model) -> None:
    panel, _ = bound_panel(qtbot, quiet_model)
    choice = panel.preset_choice
    assert choice.isVisible()
    assert [choice.combo.itemText(i) for i in range(choice.combo.count())] == [OWN_TEXT, "Quiet room"]
    assert choice.combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == QUIET_TEXT
    assert choice.shown == OWN_TEXT
    assert choice.mapTo(panel, choice.rect().topLeft()).y() < panel.rows["detection_threshold"].slider.mapTo(
        panel, panel.rows["detection_threshold"].slider.rect().topLeft()).y()  # above the Detection group


def test_choosing_a_preset_moves_every_slider_and_a_slider_move_makes_it_custom(qtbot, quiet_model) -> None:
    panel, tuning = bound_panel(qtbot, quiet_model)
    choice = panel.preset_choice
    choose(qtbot, choice.combo, "Quiet room")
    assert tuning.settings == QUIET
    assert panel.rows["detection_threshold"].value == 130 and panel.rows["suppression_ms"].value == 1500
    assert panel.rows["average_window_duration_ms"].slider.value() == 75  # 750 ms in steps of 10 ms
    no_check, no_row = panel.class_rows[1]
    assert not no_check.isChecked() and no_row.value == 190  # its own threshold, as the preset gives it
    assert choice.shown == "Quiet room" and QUIET_TEXT in choice.combo.toolTip()
    panel.rows["suppression_ms"].slider.setValue(100)
    assert choice.shown == CUSTOM_TEXT and tuning.settings.suppression_ms == 1000
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert choice.shown == OWN_TEXT and not tuning.is_modified


def test_choosing_the_models_own_values_is_reset(qtbot, quiet_model) -> None:
    panel, tuning = bound_panel(qtbot, quiet_model)
    choose(qtbot, panel.preset_choice.combo, "Quiet room")
    panel.rows["minimum_count"].slider.setValue(4)
    choose(qtbot, panel.preset_choice.combo, OWN_TEXT)
    assert tuning.settings == tuning.model_defaults and not panel.reset_button.isEnabled()


def test_the_choice_keeps_the_preset_a_custom_tuning_was_refined_from(qtbot, quiet_model) -> None:
    panel, tuning = bound_panel(qtbot, quiet_model)
    choice = panel.preset_choice
    panel.rows["suppression_ms"].slider.setValue(100)
    assert choice.refined_preset is None  # tuned from the model's own values
    choose(qtbot, choice.combo, "Quiet room")
    assert choice.refined_preset is None  # the preset itself, not refined
    panel.rows["suppression_ms"].slider.setValue(100)
    assert choice.refined_preset == "quiet_room"
    choice.set_model(tuning, quiet_model)  # its file read again (a preset saved into it): still refined from it
    assert choice.refined_preset == "quiet_room"
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    panel.rows["suppression_ms"].slider.setValue(100)
    assert choice.refined_preset is None  # back on the model's own values since


def test_the_choice_is_hidden_for_a_model_without_presets_and_says_why_presets_cannot_be_read(qtbot) -> None:
    plain = load_model(yes_no_model_path())
    panel, _ = bound_panel(qtbot, plain)
    assert panel.preset_choice.isHidden()
    broken = model_with_params(plain, {"preset.quiet_room.detection_threshold_list": [130, 190]})
    panel.set_tuning(DetectionTuning(DetectionSettings.from_params(broken.params), classes=broken.classes), broken)
    assert panel.preset_choice.isVisible() and not panel.preset_choice.combo.isVisible()
    assert "preset.quiet_room.detection_threshold_list" in panel.preset_choice.problem_label.text()
    panel.set_tuning(None)
    assert panel.preset_choice.isHidden()


def test_at_a_large_font_in_a_narrow_dock_the_choice_fits_and_its_long_item_is_elided(
        qtbot, large_font, quiet_model) -> None:  # type: ignore[no-untyped-def]
    tuning = DetectionTuning(DetectionSettings.from_params(quiet_model.params), classes=quiet_model.classes)
    panel = TuningPanel()
    panel.set_tuning(tuning, quiet_model)
    dock = in_dock(qtbot, panel)
    dock.resize(NARROW, TALL)
    qtbot.waitUntil(lambda: panel.width() <= NARROW, timeout=2000)
    qtbot.wait(50)
    assert dock.horizontalScrollBar().maximum() == 0 and cut_off_texts(panel) == []
    combo = panel.preset_choice.combo
    assert isinstance(combo, ElidingComboBox) and combo.currentText() == OWN_TEXT
    assert combo.fontMetrics().horizontalAdvance(OWN_TEXT) > _field_width(combo)  # the case this is about
    # drawn as a plain box drawn with the text already elided ("Model's own (as the b…"), not cut mid-letter
    eliding, plain = ElidingComboBox(), QComboBox()
    eliding.addItem(OWN_TEXT)
    plain.addItem(combo.fontMetrics().elidedText(OWN_TEXT, Qt.TextElideMode.ElideRight, _field_width(combo)))
    for box in (eliding, plain):
        box.resize(combo.size())
        qtbot.addWidget(box)
    assert plain.currentText().endswith("…") and eliding.grab().toImage() == plain.grab().toImage()


def _field_width(combo: QComboBox) -> int:
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    return combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo).width()
