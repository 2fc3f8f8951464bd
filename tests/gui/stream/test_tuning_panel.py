"""TuningPanel bound to a DetectionTuning of the real reference model."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt

from workbench.core.detection.settings import MIN_LATENCY_MS, DetectionSettings
from workbench.core.detection.tuning import PARAMETER_SPECS, DetectionTuning, save_settings_into_model
from workbench.core.errors import SettingsError
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import read_params
from workbench.gui.stream.tuning_panel import TuningPanel


@pytest.fixture(scope="module")
def model(reference_model_path):
    return load_model(reference_model_path)


@pytest.fixture
def tuning(model):
    return DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes)


@pytest.fixture
def panel(qtbot, tuning):
    widget = TuningPanel(tuning)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def record(tuning: DetectionTuning) -> list[DetectionSettings]:
    seen: list[DetectionSettings] = []
    tuning.changed.connect(seen.append)
    return seen


def test_widgets_show_the_model_values_with_tooltips(panel, tuning):
    for spec in PARAMETER_SPECS:
        row = panel.rows[spec.name]
        assert row.value == pytest.approx(getattr(tuning.settings, spec.name))
        assert row.slider.toolTip() == spec.help and row.spin.toolTip() == spec.help
    assert len(panel.class_rows) == len(tuning.classes)
    assert all(check.isChecked() for check, _ in panel.class_rows)
    assert not panel.reset_button.isEnabled()


def test_moving_the_threshold_slider_changes_settings_and_the_spin_box(panel, tuning):
    seen = record(tuning)
    row = panel.rows["detection_threshold"]
    start = tuning.settings.detection_threshold
    row.slider.setValue(start - 40)
    assert tuning.settings.detection_threshold == start - 40
    assert row.spin.value() == start - 40
    assert seen == [tuning.settings]
    row.slider.setValue(start - 40)  # no-op: nothing emitted
    assert len(seen) == 1
    assert panel.reset_button.isEnabled()


def test_keyboard_on_the_slider_steps_the_value(panel, tuning, qtbot):
    row = panel.rows["detection_threshold"]
    start = tuning.settings.detection_threshold
    row.slider.setFocus()
    qtbot.keyClick(row.slider, Qt.Key.Key_Right)
    assert tuning.settings.detection_threshold == start + 1
    assert row.spin.value() == start + 1


def test_spin_box_moves_the_slider_and_float_rows_map_steps(panel, tuning):
    window = panel.rows["average_window_duration_ms"]
    window.spin.setValue(1500)
    assert tuning.settings.average_window_duration_ms == 1500
    assert window.slider.value() == round(1500 / window.spec.step)
    gain = panel.rows["volume_gain"]
    gain.slider.setValue(35)  # slider units of 0.1
    assert tuning.settings.volume_gain == pytest.approx(3.5)
    assert gain.spin.value() == pytest.approx(3.5)


def test_value_beyond_the_slider_range_is_kept_exactly(panel, tuning):
    row = panel.rows["suppression_ms"]
    big = int(row.spec.slider_maximum + 2000)
    row.spin.setValue(big)
    assert tuning.settings.suppression_ms == big
    assert row.slider.value() == row.slider.maximum()


def test_reset_restores_model_values(panel, tuning):
    defaults = tuning.model_defaults
    panel.rows["minimum_count"].spin.setValue(defaults.minimum_count + 4)
    panel.rows["latency_ms"].slider.setValue(50)
    panel.class_rows[0][0].setChecked(False)
    assert tuning.is_modified
    panel.reset_button.click()
    assert tuning.settings == defaults
    assert panel.rows["minimum_count"].value == defaults.minimum_count
    assert panel.class_rows[0][0].isChecked()
    assert not panel.reset_button.isEnabled()


def test_per_class_threshold_writes_the_threshold_list(panel, tuning):
    glob = tuning.settings.detection_threshold
    check, row = panel.class_rows[1]
    assert not row.slider.isEnabled()
    check.setChecked(False)  # own threshold, starting at the global value
    assert row.slider.isEnabled()
    row.slider.setValue(222)
    expected = [glob] * len(tuning.classes)
    expected[1] = 222
    assert tuning.settings.detection_threshold_list == tuple(expected)
    panel.rows["detection_threshold"].spin.setValue(glob - 5)  # others follow the global
    assert tuning.settings.detection_threshold_list[0] == glob - 5
    assert tuning.settings.detection_threshold_list[1] == 222
    assert panel.class_rows[0][1].value == glob - 5
    check.setChecked(True)
    assert tuning.settings.detection_threshold_list is None


def test_external_changes_update_the_widgets(panel, tuning):
    tuning.set(detection_threshold=17)
    assert panel.rows["detection_threshold"].slider.value() == 17
    tuning.set_class_threshold(2, 77)
    assert not panel.class_rows[2][0].isChecked()
    assert panel.class_rows[2][1].value == 77


def test_classes_that_are_never_reported_show_their_threshold_but_cannot_be_edited(panel, tuning):
    names = list(tuning.classes)
    for index, (check, row) in enumerate(panel.class_rows):
        assert check.isEnabled() == (not names[index].startswith("_")), names[index]
    unknown = names.index("_unknown_")
    tuning.set_class_threshold(unknown, 90)  # a model may hold one (MLTK writes the whole list)
    check, row = panel.class_rows[unknown]
    assert not check.isChecked() and row.value == 90
    assert not row.slider.isEnabled() and not row.spin.isEnabled()
    tuning.set_class_threshold(names.index("yes"), 90)
    assert panel.class_rows[names.index("yes")][1].slider.isEnabled()


def test_save_button_emits_and_saved_model_reads_back(panel, tuning, model, qtbot, tmp_path):
    panel.rows["detection_threshold"].slider.setValue(150)
    panel.class_rows[0][0].setChecked(False)
    with qtbot.waitSignal(panel.save_requested):
        panel.save_button.click()
    target = save_settings_into_model(model, tuning.settings, tmp_path / "tuned.tflite")
    params = read_params(target.read_bytes())
    assert params["detection_threshold"] == 150
    assert list(params["detection_threshold_list"]) == [150] * len(model.classes)
    assert DetectionSettings.from_params(load_model(target).params) == tuning.settings


def test_rebinding_releases_the_old_tuning(panel, tuning, model, qtbot):
    other = DetectionTuning(tuning.model_defaults, classes=model.classes[:2])
    panel.set_tuning(other)
    assert len(tuning.changed) == 0
    assert len(panel.class_rows) == 2
    panel.rows["detection_threshold"].slider.setValue(99)
    assert other.settings.detection_threshold == 99
    assert tuning.settings.detection_threshold != 99
    panel.set_tuning(None)
    assert not panel.isEnabled()
    assert len(other.changed) == 0


def test_destroying_the_panel_disconnects_it(qtbot, tuning):
    widget = TuningPanel(tuning)
    assert len(tuning.changed) == 1
    shiboken6.delete(widget)  # destroy the C++ widget now, as closing a dock does
    assert len(tuning.changed) == 0
    tuning.set(detection_threshold=12)  # must not touch the deleted widget


def test_a_screen_reader_tells_every_control_apart(panel, tuning):
    from tests.gui.spoken import spoken_description, spoken_name

    for spec in PARAMETER_SPECS:
        row = panel.rows[spec.name]
        assert spoken_name(row.slider) == spec.label and spoken_name(row.spin) == f"{spec.label} value"
        assert spoken_description(row.slider) == spec.help
    names = [spoken_name(check) for check, _ in panel.class_rows]
    assert names == [f"{name} uses the global threshold" for name in tuning.classes]
    assert spoken_name(panel.class_rows[0][1].slider) == f"{tuning.classes[0]} threshold"


def test_tab_goes_down_the_panel_as_it_reads(panel):
    from tests.gui.spoken import tab_walk

    first = panel.rows[PARAMETER_SPECS[0].name].slider
    order = tab_walk(first, panel)
    parameters = [w for row in panel.rows.values() for w in (row.slider, row.spin)]
    keyword_checks = [check for check, _ in panel.class_rows if check.isEnabled()]
    assert order[:len(parameters)] == parameters
    assert order[len(parameters)] is keyword_checks[0]  # then the per-class rows, not the buttons
    assert order.index(panel.save_button) > order.index(keyword_checks[-1])


def test_a_hint_beside_the_sliders_says_when_nothing_can_be_detected(panel, tuning):
    assert panel.hint == "" and panel.hint_label.isHidden()
    panel.rows["minimum_count"].spin.setValue(50)  # the model's 1000 ms window holds 11 results at 100 ms
    assert tuning.settings.minimum_count == 50  # applied: a drag may pass through such values
    assert panel.hint.startswith("Nothing can be detected: minimum_count 50 can never be reached: an averaging "
                                 "window of 1000 ms holds at most 11 results")
    assert panel.hint_label.isVisible()
    panel.rows["average_window_duration_ms"].spin.setValue(5000)
    assert panel.hint == "" and panel.hint_label.isHidden()
    tuning.set(detection_threshold=255)  # a change from elsewhere shows the same way
    assert "detection_threshold 255 can never be exceeded" in panel.hint
    panel.set_unavailable("the model cannot stream")
    assert panel.hint == ""


BEYOND_SLIDERS = {"average_window_duration_ms": 100_000, "suppression_ms": 70_000, "latency_ms": 20_000,
                  "volume_gain": 150.0}  # values kws params accepts, past the old spin box caps


def test_values_past_the_sliders_are_shown_as_in_force_and_stepped_from(qtbot, model):
    tuning = DetectionTuning(DetectionSettings.from_params(model.params).replace(**BEYOND_SLIDERS),
                             classes=model.classes)
    panel = TuningPanel(tuning)
    qtbot.addWidget(panel)
    for name, value in BEYOND_SLIDERS.items():
        row = panel.rows[name]
        assert row.spin.value() == pytest.approx(value), name
        assert row.spin.text().startswith(row.spin.textFromValue(value)), name
        assert row.slider.value() == row.slider.maximum()
    window = panel.rows["average_window_duration_ms"]
    window.spin.stepBy(-1)
    assert tuning.settings.average_window_duration_ms == BEYOND_SLIDERS["average_window_duration_ms"] - 10
    assert window.spin.value() == tuning.settings.average_window_duration_ms


def test_spin_boxes_reach_what_the_settings_accept(panel, tuning):
    for spec in PARAMETER_SPECS:
        top = panel.rows[spec.name].spin.maximum()
        assert getattr(DetectionSettings().replace(**{spec.name: top}), spec.name) == top  # accepted
        if spec.decimals == 0:  # and one more is refused: the box stops where the settings do
            with pytest.raises(SettingsError):
                DetectionSettings().replace(**{spec.name: top + 1})
    for spec in PARAMETER_SPECS:  # each box's top end is taken as it is, the slider stays at its own end
        row = panel.rows[spec.name]
        row.spin.setValue(row.spin.maximum())
        assert getattr(tuning.settings, spec.name) == row.spin.maximum()
        assert row.slider.value() == row.slider.maximum()
        tuning.reset_to_model()
    suppression = panel.rows["suppression_ms"]
    suppression.spin.setValue(250_000)
    assert tuning.settings.suppression_ms == 250_000 and suppression.spin.value() == 250_000


def test_the_inference_interval_goes_down_to_what_the_settings_accept(panel, tuning):
    row = panel.rows["latency_ms"]
    row.slider.setValue(row.slider.minimum())
    assert tuning.settings.latency_ms == MIN_LATENCY_MS
    assert row.spin.value() == MIN_LATENCY_MS and panel.error_label.isHidden()
    row.slider.setValue(row.slider.minimum() + 3)
    assert tuning.settings.latency_ms == 3 * row.spec.step
    row.spin.setValue(0)  # the box's minimum is the settings' minimum: no refusal, no jump back
    assert tuning.settings.latency_ms == MIN_LATENCY_MS and panel.error_label.isHidden()


def test_a_refused_value_is_said_naming_the_row_not_its_key(panel, tuning):
    start = tuning.settings.latency_ms
    panel._edit("latency_ms", 0)  # what a value no box can reach any more would say
    assert panel.error_label.isVisible()
    text = panel.error_label.text()
    assert text.startswith("Inference interval must be at least") and "latency_ms" not in text
    assert tuning.settings.latency_ms == start and panel.rows["latency_ms"].value == start


@pytest.mark.parametrize("typed", ["2,5", "2.5"])
def test_a_comma_typed_into_volume_gain_is_the_decimal_mark(panel, tuning, qtbot, typed):
    row = panel.rows["volume_gain"]
    row.spin.setFocus()
    row.spin.lineEdit().selectAll()
    qtbot.keyClicks(row.spin.lineEdit(), typed)
    qtbot.keyClick(row.spin.lineEdit(), Qt.Key.Key_Return)
    assert tuning.settings.volume_gain == pytest.approx(2.5)
    assert row.spin.value() == pytest.approx(2.5)
