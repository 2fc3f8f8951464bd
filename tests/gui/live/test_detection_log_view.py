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
