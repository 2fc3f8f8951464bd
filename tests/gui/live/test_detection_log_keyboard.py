"""The detection log read by keyboard while the stream runs: a row being read stays in view, Tab selects a whole row,
Ctrl+C copies the selected rows as tab-separated text, and a narrow dock (a 16 pt font) wraps the controls instead of
being held wide by them or by the flashed word."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

from workbench.gui.live.detection_log_view import DetectionLogView, LogEntry

ROWS = 40  # more than the table shows: it scrolls
START = 1_700_000_000.0
HEADER = "label\tscore\twall time\tstream s\tfrom"  # as shown: the label first


def _entry(n: int) -> LogEntry:
    return LogEntry(START + n, float(n), "yes" if n % 2 else "no", n % 2, 200 + n % 50)


def _shown_log(qtbot, rows: int = ROWS) -> tuple[QWidget, DetectionLogView]:  # type: ignore[no-untyped-def]
    """A log in a window with a button before it (where Tab comes from), filled with ``rows`` detections; the window
    is returned too (the test keeps it alive)."""
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.addWidget(QPushButton("before", host))
    log = DetectionLogView(host)
    layout.addWidget(log)
    host.resize(420, 360)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow, timeout=2000)
    for n in range(rows):
        log.add_entry(_entry(n))
    qtbot.wait(20)  # let the table lay out its rows
    return host, log


def _row_in_view(log: DetectionLogView, row: int) -> bool:
    table = log.table
    return table.viewport().rect().contains(table.visualItemRect(table.item(row, 0)).center())


def _tab_into_table(log: DetectionLogView, qtbot) -> None:  # type: ignore[no-untyped-def]
    log.export_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is log.export_button, timeout=2000)
    QTest.keyClick(log.export_button, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is log.table, timeout=2000)


def test_a_row_being_read_stays_in_view_while_detections_arrive(qtbot) -> None:
    _host, log = _shown_log(qtbot)
    table, bar = log.table, log.table.verticalScrollBar()
    assert 0 < bar.value() == bar.maximum()  # nothing read yet: the newest rows are shown
    _tab_into_table(log, qtbot)
    QTest.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)  # to the first detection,
    QTest.keyClick(table, Qt.Key.Key_Down)  # and plain arrows (Ctrl moves without selecting) to read it
    QTest.keyClick(table, Qt.Key.Key_Up)
    assert table.currentRow() == 0 and _row_in_view(log, 0)
    for n in range(ROWS, ROWS + 5):
        log.add_entry(_entry(n))
        qtbot.wait(5)
    assert _row_in_view(log, 0) and bar.value() == 0  # the audit: it scrolled away within seconds
    assert table.selectionModel().selectedRows()[0].row() == 0
    QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # back at the newest: follow again
    log.add_entry(_entry(ROWS + 5))
    qtbot.waitUntil(lambda: _row_in_view(log, table.rowCount() - 1), timeout=2000)
    table.clearSelection()
    bar.setValue(0)  # scrolled up with the mouse wheel, nothing chosen: what is read there stays too
    log.add_entry(_entry(ROWS + 6))
    qtbot.wait(5)
    assert bar.value() == 0 and _row_in_view(log, 0)
    bar.setValue(bar.maximum())  # scrolled back to the end: the newest are followed again
    log.add_entry(_entry(ROWS + 7))
    qtbot.waitUntil(lambda: _row_in_view(log, table.rowCount() - 1), timeout=2000)


def test_tab_into_the_log_selects_the_newest_whole_row(qtbot) -> None:
    _host, log = _shown_log(qtbot)
    _tab_into_table(log, qtbot)
    selected = log.table.selectionModel().selectedRows()
    assert [index.row() for index in selected] == [ROWS - 1]  # the audit: nothing, a faint outline on one cell
    assert _row_in_view(log, ROWS - 1)


def test_ctrl_c_copies_the_selected_rows_as_tab_separated_text(qtbot) -> None:
    _host, log = _shown_log(qtbot)
    table = log.table
    _tab_into_table(log, qtbot)
    QTest.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QApplication.clipboard().clear()
    QTest.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    header = table.horizontalHeader()
    shown = sorted((col for col in range(table.columnCount()) if not table.isColumnHidden(col)),
                   key=header.visualIndex)  # in the order shown; no file time: no column
    rows = ["\t".join(table.item(row, col).text() for col in shown) for row in (0, 1)]
    assert QApplication.clipboard().text() == "\n".join([HEADER, *rows]) + "\n"  # the audit: "15:52:42.379"
    assert rows[1].split("\t")[:2] == ["yes", "201"] and rows[1].split("\t")[-1] == "PC"


def test_a_narrow_log_wraps_its_controls_and_shrinks_the_flashed_word(qtbot, large_font) -> None:
    """At 16 pt the row of count, Beep, Clear and Export CSV… held the Detections dock at 457 px, and the flashed
    "_unknown_ (board)" at 26 pt at 382 px, whatever the font."""
    host, log = _shown_log(qtbot, rows=3)
    controls = [log.count_label, log.beep_box, log.clear_button, log.export_button]
    one_row = sum(widget.sizeHint().width() for widget in controls)
    log.add_entry(LogEntry(START, 1.0, "_unknown_", 2, 230, source="board"))
    width = log.minimumSizeHint().width()
    assert width < one_row
    host.resize(width + host.width() - log.width(), host.height())
    qtbot.waitUntil(lambda: log.width() == width, timeout=2000)
    qtbot.wait(20)
    inside = log.rect()
    for widget in controls[1:]:
        place = QRect(widget.mapTo(log, widget.rect().topLeft()), widget.size())
        assert inside.contains(place) and widget.width() >= widget.sizeHint().width(), widget.text()
        assert place.bottom() < log.table.geometry().top(), widget.text()  # not under the table
    label = log.flash_label
    assert QFontMetrics(label.font()).horizontalAdvance(label.text()) <= label.contentsRect().width()
