"""The Tuning panel's Volume gain shows a model's stored gain as it is (1.25, 0.04, a float32 1.2345679) and a step
up and back down leaves that value in force: the model is not marked modified by a no-op.
A real panel on the reference model with the gain a file holds (read back through SL_PARAMSv1, as float32)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.model.model_file import load_model, model_with_params
from workbench.gui.stream.tuning_panel import TuningPanel


@pytest.fixture(scope="module")
def model(reference_model_path):
    return load_model(reference_model_path)


def panel_for(qtbot, model, gain: float) -> tuple[TuningPanel, DetectionTuning]:
    stored = model_with_params(model, {"volume_gain": gain})  # the value as the file holds it
    tuning = DetectionTuning(DetectionSettings.from_params(stored.params), classes=stored.classes)
    panel = TuningPanel(tuning)
    qtbot.addWidget(panel)
    panel.show()
    return panel, tuning


@pytest.mark.parametrize(("gain", "shown"), [(1.25, "1.25 ×"), (0.04, "0.04 ×"), (1.23456789, "1.2345679 ×"),
                                             (2.0, "2.0 ×")])
def test_the_stored_gain_is_shown_as_it_is(qtbot, model, gain, shown) -> None:
    panel, _tuning = panel_for(qtbot, model, gain)
    assert panel.rows["volume_gain"].spin.text() == shown


@pytest.mark.parametrize("gain", [1.25, 0.04, 1.23456789])
def test_up_then_down_leaves_the_value_in_force(qtbot, model, gain) -> None:
    panel, tuning = panel_for(qtbot, model, gain)
    before = tuning.settings.volume_gain
    row = panel.rows["volume_gain"]
    row.spin.setFocus()
    QTest.keyClick(row.spin, Qt.Key.Key_Up)
    assert tuning.settings.volume_gain != before
    QTest.keyClick(row.spin, Qt.Key.Key_Down)
    assert tuning.settings.volume_gain == before
    assert not tuning.is_modified and not panel.reset_button.isEnabled()


def test_a_stepped_value_is_in_force_as_the_file_will_hold_it(qtbot, model) -> None:
    panel, tuning = panel_for(qtbot, model, 1.25)
    QTest.keyClick(panel.rows["volume_gain"].spin, Qt.Key.Key_Up)
    in_force = tuning.settings.volume_gain
    assert in_force == pytest.approx(1.35)
    saved = model_with_params(model, tuning.settings.to_params(model.params))
    assert saved.params["volume_gain"] == in_force  # saving changes nothing: the float32 is what runs
    assert panel.rows["volume_gain"].spin.text() == "1.35 ×"
