"""The detection log keeps the PC's and a board's detections apart, on screen and in the CSV."""

from __future__ import annotations

import csv
import io

from workbench.gui.live.detection_log_view import SOURCE_BOARD, SOURCE_PC, DetectionLogView, LogEntry


def test_board_detections_are_marked_in_the_table_the_flash_and_the_csv(qtbot) -> None:
    log = DetectionLogView()
    qtbot.addWidget(log)
    with qtbot.waitSignal(log.detected):
        log.add_entry(LogEntry(1_700_000_000.25, 1.5, "yes", 0, 201))
    log.add_entry(LogEntry(1_700_000_001.5, 12.34, "no", 1, 230, source=SOURCE_BOARD))
    assert [log.table.item(r, 4).text() for r in range(2)] == [SOURCE_PC, SOURCE_BOARD]
    assert log.flash_label.text() == "no (board)" and log.flashing
    rows = list(csv.DictReader(io.StringIO(log.to_csv())))
    assert [(r["label"], r["source"], r["score"]) for r in rows] == [("yes", "PC", "201"), ("no", "board", "230")]
    assert rows[1]["stream_time_s"] == "12.340"
    log.clear()
    assert log.labels() == [] and log.table.rowCount() == 0


def test_a_night_of_detections_lists_the_newest_rows_says_so_and_exports_them_all(qtbot) -> None:
    """A log left listening all night: the table keeps the newest rows only (Qt items cost memory and layout time per
    row), the count says that the older ones are not listed, and Export CSV… still writes every detection."""
    from workbench.gui.widgets.table_rows import MAX_LISTED_ROWS

    log = DetectionLogView()
    qtbot.addWidget(log)
    beyond = 25
    for n in range(MAX_LISTED_ROWS + beyond):
        log.add_entry(LogEntry(1_700_000_000.0 + n, float(n), "yes", 0, 201))
    assert log.table.rowCount() == MAX_LISTED_ROWS
    assert [log.table.item(r, 1).text() for r in (0, MAX_LISTED_ROWS - 1)] == [f"{beyond:.3f}",
                                                                                 f"{MAX_LISTED_ROWS + beyond - 1:.3f}"]
    assert log.count_label.text() == (f"{MAX_LISTED_ROWS + beyond} detections, the newest {MAX_LISTED_ROWS} listed "
                                      "(Export CSV… saves all)")
    rows = list(csv.DictReader(io.StringIO(log.to_csv())))
    assert len(rows) == MAX_LISTED_ROWS + beyond and rows[0]["stream_time_s"] == "0.000"
    log.clear()
    assert log.count_label.text() == "0 detections"
