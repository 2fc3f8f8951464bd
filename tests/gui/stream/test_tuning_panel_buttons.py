"""The Tuning panel's buttons stay in view in a short dock: its controls scroll, "Reset to model values" and "Save
into model…" stay below them (at 1280x720 they were a sliver at the bottom of the dock, to be scrolled to)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.model.model_file import load_model
from workbench.gui.stream.tuning_panel import TuningPanel
from panel_dock import in_dock

DOCK_WIDTH = 380  # the Live workspace's right column
SHORT, TALL = 300, 900  # shorter than the panel's controls; room for all of them
NARROW, TALLER = 307, 1400  # the right column at 16 pt in a 1280x720 window (its rows wrap); room for all of them
SMALL_WINDOW = (1280, 720)


@pytest.fixture
def docked_panel(qtbot, reference_model_path):
    """The panel bound to the reference model's tuning, in a scroll area as its dock holds it."""
    model = load_model(reference_model_path)
    panel = TuningPanel(DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes))
    return in_dock(qtbot, panel), panel


def fully_visible(button: QPushButton) -> bool:
    """Nothing of the button is scrolled or clipped away."""
    return button.isVisible() and button.visibleRegion().boundingRect() == button.rect()


def test_in_a_short_dock_the_controls_scroll_and_the_buttons_stay_in_view(qtbot, docked_panel) -> None:
    dock, panel = docked_panel
    dock.resize(DOCK_WIDTH, SHORT)
    qtbot.waitUntil(lambda: panel.height() <= SHORT, timeout=2000)
    assert fully_visible(panel.reset_button) and fully_visible(panel.save_button)
    assert dock.verticalScrollBar().maximum() == 0  # the panel as a whole does not scroll ...
    assert panel.controls_area.verticalScrollBar().maximum() > 0  # ... its controls do
    last_check = [check for check, _row in panel.class_rows if check.isEnabled()][-1]  # "no": out of view
    assert not last_check.visibleRegion().boundingRect() == last_check.rect()
    dock.activateWindow()
    panel.save_button.setFocus()  # (Reset is off: nothing is tuned yet)
    qtbot.waitUntil(panel.save_button.hasFocus, timeout=2000)
    qtbot.keyClick(panel.save_button, Qt.Key.Key_Backtab)  # Shift+Tab goes back to it and scrolls it into view
    qtbot.waitUntil(last_check.hasFocus, timeout=2000)
    assert last_check.visibleRegion().boundingRect() == last_check.rect()


def test_in_a_tall_dock_nothing_scrolls_and_the_buttons_follow_the_controls(qtbot, docked_panel) -> None:
    dock, panel = docked_panel
    dock.resize(DOCK_WIDTH, TALL)
    qtbot.waitUntil(lambda: panel.height() > SHORT, timeout=2000)
    area = panel.controls_area
    assert area.verticalScrollBar().maximum() == 0 and dock.verticalScrollBar().maximum() == 0
    assert area.height() == area.widget().sizeHint().height()  # as tall as its controls, not taller
    gap = panel.reset_button.mapTo(panel, QPoint(0, 0)).y() - area.geometry().bottom()  # (in their row's box)
    assert 0 < gap <= panel.layout().spacing() + 1  # right below them, not at the bottom of the dock
    assert fully_visible(panel.reset_button) and fully_visible(panel.save_button)


def test_at_a_large_font_the_wrapped_rows_show_whole_in_a_tall_dock(qtbot, large_font, docked_panel) -> None:
    dock, panel = docked_panel
    dock.resize(NARROW, TALLER)
    qtbot.waitUntil(lambda: panel.height() > TALL, timeout=2000)
    qtbot.wait(50)
    area = panel.controls_area
    row = panel.rows["detection_threshold"]
    caption = next(label for label in panel.findChildren(QLabel) if label.buddy() is row.spin)
    assert row.slider.mapTo(panel, QPoint(0, 0)).y() >= caption.mapTo(panel, QPoint(0, caption.height())).y()
    assert dock.horizontalScrollBar().maximum() == 0
    # the area asked for the wrapped rows' height, not for their size hint's (one line a row): it scrolled 330 px
    assert area.verticalScrollBar().maximum() == 0 and dock.verticalScrollBar().maximum() == 0
    assert fully_visible(panel.reset_button) and fully_visible(panel.save_button)


def test_the_buttons_show_at_1280x720(qtbot, window) -> None:
    window.show_workspace("live")
    window.resize(*SMALL_WINDOW)
    panel = window.tuning_panel
    qtbot.waitUntil(lambda: window.width() <= SMALL_WINDOW[0] and panel.isVisible(), timeout=2000)
    qtbot.wait(100)
    assert fully_visible(panel.reset_button) and fully_visible(panel.save_button)
