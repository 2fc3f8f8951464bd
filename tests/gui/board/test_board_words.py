"""The Board workspace names things as the Profile workspace does: the accelerator by the Profile box's names (the
command line's word underneath), the per-layer cycle columns after the accelerator ("Acc" read as accuracy), and
its hint before a profile reads as one sentence, not broken after a few words."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.gui.board import BoardWorkspace
from workbench.gui.model.layer_table_model import COLUMNS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import cut_off_words  # noqa: E402

AUDIT_SIZE = (1280, 720)
SIM_LOGS = Path(__file__).resolve().parents[2] / "board" / "sim"


def _workspace(window, qtbot) -> BoardWorkspace:  # type: ignore[no-untyped-def]
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    return ws


def test_the_accelerator_box_shows_the_profile_boxs_names_and_runs_the_command_lines(window, qtbot) -> None:
    profile_box = window.profile_view.accelerator_box
    ws = _workspace(window, qtbot)
    try:
        box = ws.accelerator
        names = [box.itemText(i) for i in range(box.count())]
        assert names == [profile_box.itemText(i) for i in range(profile_box.count())] == ["MVP", "none (CPU only)"]
        assert "CPU only" in box.toolTip() and "--accelerator" in box.toolTip()
        assert ws.options().accelerator == "mvp"
        box.setCurrentIndex(names.index("none (CPU only)"))
        assert ws.options().accelerator == "none"
    finally:
        ws.shutdown()
    again = _workspace(window, qtbot)  # the choice is remembered, by the command line's word
    try:
        assert again.accelerator.currentText() == "none (CPU only)" and again.options().accelerator == "none"
    finally:
        again.shutdown()


def test_the_cycle_columns_are_named_after_the_accelerator_as_in_profile(window, qtbot) -> None:
    ws = _workspace(window, qtbot)
    try:
        table = ws.measured.table
        headers = [table.horizontalHeaderItem(c).text().replace("\n", " ") for c in range(table.columnCount())]
        assert not [h for h in headers if h.startswith("Acc")]
        profile_titles = {column.title for column in COLUMNS}
        assert {"MVP cycles", "CPU cycles"} <= profile_titles
        for name in ("MVP cycles", "CPU cycles"):
            assert [h for h in headers if h.startswith(name)] == [f"{name} est.", f"{name} board"]
        tips = [table.horizontalHeaderItem(c).toolTip() for c in range(table.columnCount())]
        assert tips[headers.index("MVP cycles board")] == "MVP accelerator cycles, measured on the board"
    finally:
        ws.shutdown()


def test_the_hint_before_a_profile_is_one_line_at_the_audit_size(window, qtbot) -> None:
    window.resize(*AUDIT_SIZE)
    window.show_workspace("board")
    qtbot.waitUntil(lambda: window.size().toTuple() == AUDIT_SIZE, timeout=2000)
    qtbot.wait(50)  # let the layouts settle
    measured = window.workspaces["board"].measured
    shown = [label for label in measured.summary_lines if label.isVisibleTo(measured)]
    assert [label.text() for label in shown] == [measured.summary_text()]
    assert shown[0].text().startswith("Profile a model on the board") and shown[0].text().endswith("estimate.")
    assert cut_off_words(measured) == []


def test_at_a_large_font_the_hint_takes_more_lines_not_more_width(large_font, window, qtbot) -> None:
    """On one line at 16 pt the hint needed 1483 px, more than the window has: it breaks between words instead."""
    window.resize(*AUDIT_SIZE)
    window.show_workspace("board")
    qtbot.waitUntil(lambda: window.size().toTuple() == AUDIT_SIZE, timeout=2000)
    qtbot.wait(50)  # let the layouts settle
    measured = window.workspaces["board"].measured
    shown = [label.text() for label in measured.summary_lines if label.isVisibleTo(measured)]
    assert len(shown) > 1 and " ".join(shown) == measured.summary_text()
    assert window.minimumSizeHint().width() <= AUDIT_SIZE[0] and cut_off_words(measured) == []


def test_at_a_large_font_a_board_report_takes_more_lines_not_more_width(large_font, window, qtbot,
                                                                        reference_model_path: Path) -> None:
    """A board's report at 16 pt: its time and runtime memory beside their estimates took 1310 px on one line, and the
    window grew to 1844 px; every line breaks between words instead, and every word is shown."""
    from workbench.board.logs.profiler_log import parse_profiler_log
    from workbench.board.runs.measured_report import attach_measurements
    from workbench.profiler.report import profile_model

    tflite = reference_model_path.read_bytes()
    log = parse_profiler_log((SIM_LOGS / "profiler_mvp.log").read_text())
    report = attach_measurements(profile_model(tflite, name="seed"), log, source="test board", platform="brd2601")
    window.resize(*AUDIT_SIZE)
    window.show_workspace("board")
    qtbot.waitUntil(lambda: window.size().toTuple() == AUDIT_SIZE, timeout=2000)
    measured = window.workspaces["board"].measured
    measured.set_report(report, tflite)
    qtbot.wait(50)  # let the layouts settle
    shown = [label.text() for label in measured.summary_lines if label.isVisibleTo(measured)]
    assert " ".join(shown).split() == measured.summary_text().split() and "runtime memory" in measured.summary_text()
    assert window.minimumSizeHint().width() <= AUDIT_SIZE[0] and cut_off_words(measured) == []
