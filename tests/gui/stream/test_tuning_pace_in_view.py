"""The Tuning panel's board-pace warning is read whole: typed into the Inference interval at 16 pt in a 1280x720
window, it appeared below the fold with only its first line in sight ("Too short for the board:"), its advice ("50 ms
or more keeps up") unseen; now the controls scroll to it and the field keeps the keyboard focus. A drag of the slider
scrolls only once the slider is let go. In a tall dock the controls ask for the height the warning takes, not for its
size hint's (five lines where it takes three). kws_yes_no_stream: about 52 ms per inference on the board."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from workbench.bundled_models import bundled_model_file
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.model.model_file import load_model
from workbench.gui.stream.tuning_panel import INTERVAL_ROW, TuningPanel
from panel_dock import in_dock

SMALL_SCREEN = (1280, 720)
RIGHT_COLUMN_WIDTH = 378  # the Live workspace's right column at 1600x960
SHORT, TALL = 200, 900  # the warning's row below the fold; room for every control and the warning
FAST_POSITION = 1  # the Inference interval slider's steps are 10 ms


def _inside(widget: QWidget, viewport: QWidget) -> bool:
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


@pytest.fixture
def stream_window(large_font, window, qtbot):  # type: ignore[no-untyped-def]
    """The window built at 16 pt, 1280x720, in its default arrangement, tuning kws_yes_no_stream."""
    window.resize(*SMALL_SCREEN)
    qtbot.waitUntil(lambda: window.size().toTuple() == SMALL_SCREEN, timeout=2000)
    window.reset_layout()
    assert window.open_model(bundled_model_file("kws_yes_no_stream")), window.last_error
    qtbot.wait(50)  # let the docks settle
    return window


def test_the_warning_typed_into_being_scrolls_into_view_at_16_pt(stream_window, qtbot) -> None:
    panel = stream_window.tuning_panel
    spin, label, area = panel.rows[INTERVAL_ROW].spin, panel.pace_label, panel.controls_area
    stream_window.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    spin.selectAll()
    qtbot.keyClicks(spin, "10")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert panel.tuning.settings.latency_ms == 10 and label.warning.endswith("60 ms or more keeps up.")
    assert area.verticalScrollBar().maximum() > 0  # the dock is too short for every control
    qtbot.waitUntil(lambda: _inside(label, area.viewport()), timeout=2000)  # its top was at 149 px of 186
    assert spin.hasFocus()  # typing goes on in the field


@pytest.fixture
def docked_panel(qtbot):  # type: ignore[no-untyped-def]
    """The panel tuning kws_yes_no_stream in a scroll area as its dock holds it, as wide as the right column."""
    model = load_model(bundled_model_file("kws_yes_no_stream"))
    panel = TuningPanel()
    panel.set_tuning(DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes), model)
    return in_dock(qtbot, panel), panel


def test_a_drag_scrolls_to_the_warning_once_the_slider_is_let_go(docked_panel, qtbot) -> None:
    dock, panel = docked_panel
    dock.resize(RIGHT_COLUMN_WIDTH, SHORT)
    qtbot.waitUntil(lambda: panel.height() <= SHORT, timeout=2000)
    slider, label, area = panel.rows[INTERVAL_ROW].slider, panel.pace_label, panel.controls_area
    scrolled = area.verticalScrollBar().value()
    slider.setSliderDown(True)  # held by the mouse
    slider.setValue(FAST_POSITION)
    assert label.warning
    qtbot.wait(50)
    assert area.verticalScrollBar().value() == scrolled and not _inside(label, area.viewport())
    slider.setSliderDown(False)  # let go
    qtbot.waitUntil(lambda: _inside(label, area.viewport()), timeout=2000)


def test_in_a_tall_dock_the_warning_needs_no_scrolling_nor_blank(docked_panel, qtbot) -> None:
    dock, panel = docked_panel
    dock.resize(RIGHT_COLUMN_WIDTH, TALL)
    qtbot.waitUntil(lambda: panel.height() > SHORT, timeout=2000)
    panel.rows[INTERVAL_ROW].slider.setValue(FAST_POSITION)
    area, contents = panel.controls_area, panel.controls_area.widget()
    assert panel.pace_label.warning
    qtbot.wait(50)  # let the layouts settle
    assert area.verticalScrollBar().maximum() == 0 and dock.verticalScrollBar().maximum() == 0
    # as tall as the controls take at their width: the label's size hint made it 14 px taller, blank spread over them
    assert area.height() == contents.heightForWidth(contents.width())
