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
SHORT_LATENCY_MS = 5  # shorter than an inference of the seed model (about 6.1 ms on the MVP at 78 MHz)


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


def _board_report_shown(window, qtbot, report, tflite: bytes):  # type: ignore[no-untyped-def]
    """The Board workspace of ``window`` at the audit's size, showing the board ``report`` of ``tflite``."""
    window.resize(*AUDIT_SIZE)
    window.show_workspace("board")
    qtbot.waitUntil(lambda: window.size().toTuple() == AUDIT_SIZE, timeout=2000)
    measured = window.workspaces["board"].measured
    measured.set_report(report, tflite)
    qtbot.wait(50)  # let the layouts settle
    return measured


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
    measured = _board_report_shown(window, qtbot, report, tflite)
    shown = [label.text() for label in measured.summary_lines if label.isVisibleTo(measured)]
    assert " ".join(shown).split() == measured.summary_text().split() and "runtime memory" in measured.summary_text()
    assert window.minimumSizeHint().width() <= AUDIT_SIZE[0] and cut_off_words(measured) == []


def test_at_a_large_font_the_latency_and_stored_memory_lines_scroll_and_leave_the_table_its_rows(
        large_font, window, qtbot, reference_model_path: Path) -> None:
    """Whether the model keeps up with its latency_ms and the runtime memory it stores, said beside a board's report,
    are some ten lines at 16 pt: shown whole they made the window 816 px high, joined on the last line they were
    cut off. A few lines are in sight and the rest scroll; the table keeps its rows, every word can be read."""
    from workbench.board.logs.profiler_log import parse_profiler_log
    from workbench.board.runs.measured_report import attach_measurements
    from workbench.core.model.model_params import read_params
    from workbench.gui.board.measured_table_view import MIN_VISIBLE_ROWS
    from workbench.gui.board.summary_lines import LINES_IN_SIGHT
    from workbench.profiler.inference_pace import note_latency
    from workbench.profiler.report import LATENCY_PROBLEM_LABEL, note_stored_runtime_memory, profile_model

    tflite = reference_model_path.read_bytes()
    report = profile_model(tflite, name="seed")
    note_latency(report, SHORT_LATENCY_MS)
    note_stored_runtime_memory(report, read_params(tflite))  # the seed stores MLTK's figure, not the estimate
    log = parse_profiler_log((SIM_LOGS / "profiler_mvp.log").read_text())
    attach_measurements(report, log, source="test board", platform="brd2601")
    measured = _board_report_shown(window, qtbot, report, tflite)
    assert LATENCY_PROBLEM_LABEL in measured.summary_text() and "stored in the model" in measured.summary_text()
    shown = [label for label in measured.summary_lines if label.isVisibleTo(measured)]
    assert len(shown) > LINES_IN_SIGHT and " ".join(label.text() for label in shown).split() == \
        measured.summary_text().split()
    area = measured.summary
    in_sight = [label for label in shown if label.geometry().bottom() <= area.viewport().height()]
    assert len(in_sight) == LINES_IN_SIGHT and area.verticalScrollBar().maximum() > 0  # the rest a scroll away
    table = measured.table
    rows = [table.visualRect(table.model().index(row, 0)) for row in range(table.rowCount())]
    assert sum(1 for rect in rows if table.viewport().rect().contains(rect.adjusted(0, 0, 0, -1))) >= MIN_VISIBLE_ROWS
    assert window.minimumSizeHint().width() <= AUDIT_SIZE[0] and window.minimumSizeHint().height() <= AUDIT_SIZE[1]
    assert window.size().toTuple() == AUDIT_SIZE and cut_off_words(measured) == []
