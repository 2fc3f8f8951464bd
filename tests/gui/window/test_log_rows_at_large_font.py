"""At a 16 pt font in the default 1600x960 window, the Live workspace's default arrangement keeps LOG_ROWS rows of the
Detections log in sight under its flashed word, count and buttons (a third of the right column showed two), while
the Tuning dock under it keeps its buttons in view and a few of its parameter rows to scroll through."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QTableView, QWidget

from workbench.gui.live.detection_log_view import LABEL_COLUMN, LogEntry
from workbench.gui.window.main_window import DEFAULT_SIZE
from workbench.gui.window.window_areas import DETECTIONS, LOG_ROWS, MAX_LOG_SHARE, TUNING

LOGGED = 12  # more detections than the log shows: it scrolls
TUNING_ROWS_IN_SIGHT = 3  # parameter rows (a label over its slider and box at 16 pt) the Tuning dock still shows
SETTLE_MS = 2000


def _rows_in_sight(table: QTableView) -> int:
    """How many whole rows the table's viewport shows."""
    viewport = table.viewport().rect()
    return sum(1 for row in range(table.model().rowCount())
               if viewport.contains(table.visualRect(table.model().index(row, 0)).adjusted(0, 0, 0, -1)))


def _place(widget: QWidget, within: QWidget) -> QRect:
    return QRect(widget.mapTo(within, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("from_file", [False, True], ids=["microphone", "file"])  # a file's rows add their file time
def test_the_detections_dock_shows_five_rows_at_16_pt_and_tuning_stays_usable(large_font, window, qtbot,
                                                                              from_file: bool) -> None:
    assert window.size().toTuple() == DEFAULT_SIZE
    log = window.log
    for n in range(LOGGED):
        log.add_entry(LogEntry(time.time(), float(n), "yes" if n % 2 else "no", n % 2, 200,
                               file_time_s=float(n) if from_file else None))
    window.reset_layout()  # the default arrangement at this size and font, as on the first start
    qtbot.waitUntil(lambda: _rows_in_sight(log.table) >= LOG_ROWS, timeout=SETTLE_MS)  # it showed 2
    log_dock, tuning_dock = window.docks[DETECTIONS], window.docks[TUNING]
    assert log_dock.height() <= MAX_LOG_SHARE * (log_dock.height() + tuning_dock.height()) + 1
    for control in (log.beep_box, log.clear_button, log.export_button):  # the controls are not laid over the rows
        assert _place(control, log).bottom() < log.table.geometry().top(), control.text()
    table = log.table  # the label, what the log is read for, whole and in sight (it was squeezed to "y…")
    assert table.columnWidth(LABEL_COLUMN) >= table.sizeHintForColumn(LABEL_COLUMN)
    newest = table.visualRect(table.model().index(table.model().rowCount() - 1, LABEL_COLUMN))
    assert table.viewport().rect().contains(newest)

    panel = window.tuning_panel
    dock_viewport = tuning_dock.widget().viewport()
    for button in (panel.reset_button, panel.save_button):  # in view under the controls, which scroll
        assert dock_viewport.rect().contains(_place(button, dock_viewport)), button.text()
    area = panel.controls_area
    row_px = max(row.spin.height() + row.slider.height() for row in panel.rows.values())
    assert area.viewport().height() >= TUNING_ROWS_IN_SIGHT * row_px
    assert area.verticalScrollBar().maximum() > 0  # what is not in sight is a scroll away
    assert window.size().toTuple() == DEFAULT_SIZE
