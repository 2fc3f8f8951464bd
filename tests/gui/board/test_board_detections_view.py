"""The Board detections list of a run left classifying all night: its table lists the newest detections only, the
caption says so, and Save… still writes every detection of the run."""

from __future__ import annotations

import csv

from workbench.board.logs.classifier_log import BoardDetection
from workbench.gui.board.board_detections_view import BoardDetectionsView
from workbench.gui.board.job_model import run_caption
from workbench.gui.widgets.table_rows import MAX_LISTED_ROWS

BEYOND = 25  # detections past the rows the table lists
MS_APART = 1500


class _Model:
    """What the caption reads of a loaded model: its name and content."""

    name = "kws_yes_no"
    tflite = b"model"


def test_a_long_run_lists_its_newest_detections_says_so_and_saves_them_all(qtbot, tmp_path) -> None:
    view = BoardDetectionsView()
    qtbot.addWidget(view)
    model = _Model()
    view.start_run(model)
    caption = run_caption(model.name, open_now=True)
    total = MAX_LISTED_ROWS + BEYOND
    for n in range(total):
        view.add(BoardDetection(n * MS_APART, n % 2, ("yes", "no")[n % 2], 200))
        if n + 1 == MAX_LISTED_ROWS:  # every detection listed: the caption alone
            assert view.run_label.text() == caption and view.table.rowCount() == MAX_LISTED_ROWS
    assert view.table.rowCount() == MAX_LISTED_ROWS  # not one Qt row per detection of the night
    newest, oldest_listed = view.table.item(0, 0).text(), view.table.item(MAX_LISTED_ROWS - 1, 0).text()
    assert (newest, oldest_listed) == (f"{(total - 1) * MS_APART / 1000:.3f}", f"{BEYOND * MS_APART / 1000:.3f}")
    assert view.run_label.text() == (f"{caption} {total} detections, the newest {MAX_LISTED_ROWS} listed "
                                     "(Save… writes all).")
    with view.save_to(tmp_path / "night.csv").open(newline="") as saved:
        rows = list(csv.DictReader(saved))
    assert len(rows) == total and rows[0]["board_time_ms"] == "0"
    view.clear()
    assert view.run_label.text() == caption and view.table.rowCount() == 0
