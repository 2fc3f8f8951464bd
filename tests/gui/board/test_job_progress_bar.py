"""JobProgressBar: a step's percentage, a step that cannot say (a moving bar), done, and nothing left after."""

from __future__ import annotations

from workbench.gui.board.board_task import BUSY
from workbench.gui.board.job_progress_bar import JobProgressBar


def test_each_state_is_its_range_value_and_label(qtbot) -> None:
    bar = JobProgressBar()
    qtbot.addWidget(bar)
    assert (bar.minimum(), bar.maximum(), bar.value()) == (0, 100, 0) and not bar.is_busy
    bar.step("flashing image", 40)
    assert (bar.maximum(), bar.value(), bar.format()) == (100, 40, "flashing image %p%")
    bar.step("resetting", BUSY)
    assert bar.is_busy and bar.format() == "resetting"
    bar.done("flashing")
    assert (bar.maximum(), bar.value(), bar.format()) == (100, 100, "flashing: done") and not bar.is_busy
    bar.busy("profiling on the board")
    assert bar.is_busy and bar.format() == "profiling on the board"
    bar.clear_job()
    assert (bar.maximum(), bar.value(), bar.format()) == (100, 0, "") and not bar.is_busy
