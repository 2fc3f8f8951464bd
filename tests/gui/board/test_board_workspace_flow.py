"""The Board workspace's everyday flow on a real main window against the simulated board and Commander: what the
status says during a run, what the tables hold across runs and models, keeping results, and the words it uses."""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import (board, board_factory, classifier_image, commander, no_commander,  # noqa: E402,F401
                            profiler_image, start_board)

from workbench.assets import reference_model_path  # noqa: E402
from workbench.board.logs.classifier_log import BoardDetection  # noqa: E402
from workbench.board.measurements import MeasurementStore  # noqa: E402
from workbench.board.firmware.catalog import CLASSIFIER_APP, PROFILER_APP  # noqa: E402
from workbench.board.runs.job import run_firmware_hint  # noqa: E402
from workbench.gui.board import BoardWorkspace  # noqa: E402
from tests.gui.board.board_workspace_steps import (RUN_TIMEOUT_MS, board_workspace, use_board,  # noqa: E402
                                                  wait_idle)
from workbench.gui.board.board_outcomes import in_window_terms  # noqa: E402
from workbench.gui.board.measured_table_view import EMPTY_TEXT  # noqa: E402



@pytest.fixture
def workspace(window, qtbot, commander):
    yield from board_workspace(window, qtbot, watch_ports=False)




def _classify_until(qtbot, ws: BoardWorkspace, detections: int) -> None:
    assert ws.classify()
    qtbot.waitUntil(lambda: len(ws.detections.detections) >= detections, timeout=RUN_TIMEOUT_MS)


def test_classify_says_it_classifies_and_keeps_one_run_apart(window, workspace, qtbot, commander, tmp_path,
                                                             classifier_image) -> None:
    assert window.open_model(reference_model_path()), window.last_error
    sim = start_board(commander, tmp_path, time_scale=0.05)
    ws = workspace
    try:
        use_board(ws, sim, classifier=classifier_image)
        _classify_until(qtbot, ws, 2)
        count = len(ws.detections.detections)
        assert ws.status.text() == f"Classifying on the board: {count} detections"  # not "Resetting the board"
        assert window.statusBar().currentMessage() == f"Board: classifying on the board: {count} detections"
        ws.cancel()
        wait_idle(qtbot, ws)
        first_run = [d.time_ms for d in ws.detections.detections]
        assert first_run[:2] == [3500, 6000]

        saved = ws.detections.save_to(tmp_path / "run1.csv")
        rows = list(csv.reader(saved.open(encoding="utf-8")))
        assert rows[0] == ["board_time_ms", "label", "class", "score"]
        assert rows[1:3] == [["3500", "yes", "0", "200"], ["6000", "no", "1", "200"]]
        assert len(rows) == 1 + len(first_run) and window.statusBar().currentMessage().endswith("run1.csv")

        _classify_until(qtbot, ws, 1)  # the board's clock restarts: the second run starts an empty list
        ws.cancel()
        wait_idle(qtbot, ws)
        assert [d.time_ms for d in ws.detections.detections][:1] == [3500]
        assert ws.detections.table.rowCount() == len(ws.detections.detections) < len(first_run) + 1

        qtbot.mouseClick(ws.detections.clear_button, Qt.MouseButton.LeftButton)
        assert ws.detections.table.rowCount() == 0 and ws.detections.detections == []
    finally:
        sim.stop()


def test_a_profile_is_saved_for_the_refit_exported_and_cleared_by_another_model(window, workspace, qtbot, board,
                                                                                profiler_image, tmp_path) -> None:
    ws = workspace
    store = tmp_path / "measurements"
    ws.measured.store = MeasurementStore(store)
    assert not ws.measured.save_button.isEnabled() and not ws.measured.export_button.isEnabled()
    use_board(ws, board, profiler=profiler_image)
    with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
        assert ws.profile()
    wait_idle(qtbot, ws)
    assert ws.measured.save_button.isEnabled()

    qtbot.mouseClick(ws.measured.save_button, Qt.MouseButton.LeftButton)
    saved, problems = MeasurementStore(store).load()
    assert problems == [] and len(saved) == 1  # what `kws board refit` reads
    assert saved[0].model_sha256 == hashlib.sha256(bytes(window.controller.model.tflite)).hexdigest()
    assert saved[0].platform == "brd2601" and saved[0].report["summary"]["measured"]["total_time_ms"] is not None
    assert not ws.measured.save_button.isEnabled()  # saved once: a second click would count it twice
    assert window.last_error is None and "saved to" in window.statusBar().currentMessage()

    exported = ws.measured.export_to(tmp_path / "board.csv")
    rows = list(csv.reader(exported.open(encoding="utf-8")))
    assert len(rows) == 1 + 4 and "5.4" in rows[1]

    assert window.open_model(reference_model_path()), window.last_error  # another model: not its figures
    assert ws.measured.report is None and ws.measured.table.rowCount() == 0
    assert ws.measured.summary_text() == EMPTY_TEXT and not ws.measured.save_button.isEnabled()


@pytest.mark.parametrize(("action", "box", "wrong", "wanted"), [
    ("classify", "classifier", "model profiler", "the audio classifier's image in the Classifier image box"),
    ("profile", "profiler", "audio classifier", "the model profiler's image in the Profiler image box")])
def test_the_other_apps_image_is_refused_before_flashing_naming_its_box(window, workspace, qtbot, board, commander,
                                                                        profiler_image, classifier_image, action,
                                                                        box, wrong, wanted) -> None:
    """Each box swapped with the other's image (browsed to by mistake): the run names the box to correct, not the
    other one (one "Firmware box" before)."""
    ws = workspace
    use_board(ws, board, profiler=classifier_image, classifier=profiler_image)
    given = profiler_image if box == "classifier" else classifier_image
    assert getattr(ws, action)()
    wait_idle(qtbot, ws)
    assert window.last_error == (f"The image {given.name} is MLTK's {wrong} firmware, which cannot {action}: give "
                                 f"{wanted}, or empty it for the published one.")
    assert commander.calls() == []  # nothing was flashed


def _question_closing_mid_flash(ws, qtbot, commander, sim, start, **images: Path) -> list[str]:  # noqa: ANN001
    """What closing asks while ``start`` (a workspace action) flashes the image of its box in ``images``
    (``profiler=``, ``classifier=``); the close is refused, the job cancelled after."""
    commander.configure(line_delay_s=0.5)
    use_board(ws, sim, **images)
    questions: list[str] = []
    ws.ask = lambda _parent, question: questions.append(question) or False
    assert start()
    qtbot.waitUntil(lambda: ws.progress.format().startswith("flashing image"), timeout=RUN_TIMEOUT_MS)
    assert ws.confirm_close() is False and ws.busy
    ws.cancel()
    wait_idle(qtbot, ws)
    return questions


def test_closing_mid_flash_names_the_task_and_the_half_flashed_board(window, workspace, qtbot, board, commander,
                                                                     profiler_image) -> None:
    questions = _question_closing_mid_flash(workspace, qtbot, commander, board, workspace.profile,
                                            profiler=profiler_image)
    assert questions == [f"The board is being flashed (profiling on the board: flashing {profiler_image.name} and "
                         "the model). Stopping now leaves it half-flashed: it must be flashed again before it is "
                         "used. Stop it and close?"]


def test_closing_mid_flash_of_flash_names_the_step_once(window, workspace, qtbot, board, commander,
                                                        classifier_image) -> None:
    """Flash's task and its step are both "flashing": the question says it once ("flashing: flashing …" before)."""
    questions = _question_closing_mid_flash(workspace, qtbot, commander, board, workspace.flash,
                                            classifier=classifier_image)
    assert questions == [f"The board is being flashed (flashing {classifier_image.name} and the model). Stopping "
                         "now leaves it half-flashed: it must be flashed again before it is used. Stop it and close?"]


def test_a_detection_after_cancel_leaves_stopping_in_the_status(window, workspace, qtbot, commander, tmp_path,
                                                                classifier_image) -> None:
    sim = start_board(commander, tmp_path, time_scale=0.05)
    ws = workspace
    try:
        use_board(ws, sim, classifier=classifier_image)
        _classify_until(qtbot, ws, 1)
        task = ws.task
        assert task is not None
        ws.cancel()
        task.event.emit(BoardDetection(9000, 0, "yes", 200))  # one more on its way as the stop was asked for
        assert ws.status.text() == "Classifying on the board: stopping…"  # not "…: 2 detections" (before)
        assert ws.detections.detections[-1].time_ms == 9000  # the detection itself is still the run's
        wait_idle(qtbot, ws)
    finally:
        sim.stop()


def test_board_info_in_the_status_bar_says_board_once(window, workspace, qtbot, board) -> None:
    assert workspace.read_info()
    wait_idle(qtbot, workspace)
    assert window.statusBar().currentMessage() == "Board: EFR32MG24B310F1536IM48 (brd2601)"


def test_the_window_says_its_controls_not_the_command_lines_options(window, qtbot, no_commander) -> None:
    dont_flash = "clear \u201cDon't flash\u201d"
    assert in_window_terms(run_firmware_hint("classifier", False)) == f"flash the classifier ({dont_flash})"
    assert in_window_terms(run_firmware_hint("profiler", True), PROFILER_APP) == ("give the profiler's image (the "
                                                                                 "Profiler image box)")
    assert in_window_terms(run_firmware_hint("classifier", True), CLASSIFIER_APP) == ("give the classifier's image "
                                                                                     "(the Classifier image box)")
    assert in_window_terms("it stopped: give --accelerator none, or flash") == ("it stopped: choose \u201cnone (CPU "
                                                                             "only)\u201d in the Accelerator box, "
                                                                             "or flash")
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        note = ws.connection.commander_state.text()
        assert "Browse\u2026 beside Commander" in note and "--commander" not in note
    finally:
        ws.shutdown()
