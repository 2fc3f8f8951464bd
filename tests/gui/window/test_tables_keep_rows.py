"""At a 16 pt font in a 1280x720 window the Calibration's Pareto table and the Board's measured table keep a few rows
in sight (the audit saw one row of five, and only a header), with the buttons under the Pareto table clear of it, and
the window still fits the screen. The measured table has a name of its own for a screen reader."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QTableView, QTableWidgetItem

from tests.gui.spoken import spoken_name
from workbench.gui.calibration.pareto_table_view import MIN_VISIBLE_ROWS as PARETO_ROWS
from workbench.gui.board.measured_table_view import HEADERS, MIN_VISIBLE_ROWS as MEASURED_ROWS

SMALL_SCREEN = (1280, 720)
ROWS = 5
PARETO_ROW = {"fa_per_hour": 98.0, "frr": 0.4478, "detection_threshold": 248, "average_window_duration_ms": 1500,
              "suppression_ms": 2000, "minimum_count": 5, "fa_per_hour_speech": 98.0, "fa_per_hour_background": 12.5,
              "latency_mean_s": 0.5027, "latency_p95_s": 0.6851,
              "per_keyword": {"yes": {"frr": 0.3088}, "no": {"frr": 0.3014}}}


@pytest.fixture
def large_window(large_font, window, qtbot):  # type: ignore[no-untyped-def]
    """The main window built at the large font (as a user whose desktop font is large starts it), 1280x720."""
    window.resize(*SMALL_SCREEN)
    qtbot.waitUntil(lambda: window.size().toTuple() == SMALL_SCREEN, timeout=2000)
    return window


def _rows_in_sight(table: QTableView) -> int:
    """How many whole rows the table's viewport shows."""
    viewport = table.viewport().rect()
    return sum(1 for row in range(table.model().rowCount())
               if viewport.contains(table.visualRect(table.model().index(row, 0)).adjusted(0, 0, 0, -1)))


def test_the_pareto_table_keeps_a_few_rows_above_its_buttons(large_window, qtbot) -> None:
    large_window.show_workspace("calibration")
    table = large_window.calibration.table
    rows = [dict(PARETO_ROW, fa_per_hour=PARETO_ROW["fa_per_hour"] + n) for n in range(ROWS)]
    table.table_model.set_rows(rows, ("yes", "no", "_unknown_", "_silence_"), rows[0])
    qtbot.wait(50)  # let the layouts settle
    assert _rows_in_sight(table) >= PARETO_ROWS
    table_bottom = table.mapTo(large_window, QPoint(0, table.height())).y()
    use = large_window.calibration.use_button
    assert use.mapTo(large_window, QPoint(0, 0)).y() >= table_bottom  # the buttons lay over the rows
    assert large_window.size().toTuple() == SMALL_SCREEN


def test_the_measured_table_keeps_a_few_rows_and_has_a_name(large_window, qtbot) -> None:
    large_window.show_workspace("board")
    table = large_window.board.measured.table
    assert spoken_name(table) == "Measured vs estimated layers"
    table.setRowCount(ROWS)
    for row in range(ROWS):
        for column in range(len(HEADERS)):
            table.setItem(row, column, QTableWidgetItem(str(row * column)))
    qtbot.wait(50)
    assert _rows_in_sight(table) >= MEASURED_ROWS
    assert large_window.minimumSizeHint().height() <= SMALL_SCREEN[1]
    assert large_window.size().toTuple() == SMALL_SCREEN
