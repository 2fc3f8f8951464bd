"""At the default 1600x960, in the Live workspace's default arrangement, the Tuning dock shows kws_yes_no_stream's
panel (seven classes) whole with the board-pace warning under the Inference interval: with the right column split
300:500 its controls scrolled by one pixel (537 px asked for, 536 left). The Detections dock above it keeps its
status, buttons and several rows of its log in sight."""

from __future__ import annotations

from workbench.bundled_models import bundled_model_file
from workbench.gui.stream.tuning_panel import INTERVAL_ROW
from workbench.gui.window.main_window import DEFAULT_SIZE
from workbench.gui.window.window_areas import TUNING

FAST_POSITION = 1  # the Inference interval slider's steps are 10 ms: kws_yes_no_stream takes about 46 ms a board
LOG_ROWS_IN_SIGHT = 5  # rows of detections the log shows whole beside the tuning: still a log to read


def test_at_the_default_size_the_tuning_dock_shows_the_pace_warning_without_scrolling(window, qtbot) -> None:
    assert window.size().toTuple() == DEFAULT_SIZE
    assert window.open_model(bundled_model_file("kws_yes_no_stream")), window.last_error
    window.reset_layout()  # the default arrangement at this size, as on the first start
    panel = window.tuning_panel
    panel.rows[INTERVAL_ROW].slider.setValue(FAST_POSITION)
    qtbot.waitUntil(lambda: panel.pace_label.isVisible(), timeout=2000)
    qtbot.wait(50)  # let the docks and the panel's layouts settle
    assert panel.pace_label.warning.endswith("keeps up.")
    dock_area = window.docks[TUNING].widget()
    assert dock_area.verticalScrollBar().maximum() == 0
    assert panel.controls_area.verticalScrollBar().maximum() == 0  # it was 1
    table = window.log.table
    row_px = table.verticalHeader().defaultSectionSize()
    assert table.viewport().height() >= LOG_ROWS_IN_SIGHT * row_px
