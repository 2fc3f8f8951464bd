"""The Board workspace on a real main window (its host) against the simulated board and Commander."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import (board, board_factory, classifier_image, commander, no_commander,  # noqa: E402,F401
                            profiler_image, profiler_mvp_log, start_board)
from damaged_logs import cut_after_conv_time  # noqa: E402

from workbench.assets import reference_model_path  # noqa: E402
from workbench.gui.board import BoardWorkspace  # noqa: E402
from tests.gui.board.board_workspace_steps import (RUN_TIMEOUT_MS, board_workspace, use_board,  # noqa: E402
                                                  wait_idle)
from workbench.gui.board.board_workspace import COMMANDER_MISSING  # noqa: E402



@pytest.fixture
def workspace(window, qtbot, commander):
    yield from board_workspace(window, qtbot)




def test_profile_fills_the_measured_table_and_reports_the_profile(workspace, window, qtbot, board,
                                                                  profiler_image) -> None:
    ws = workspace
    use_board(ws, board, profiler=profiler_image)
    with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(ws.profile_button, Qt.MouseButton.LeftButton)
        assert ws.busy and not ws.profile_button.isEnabled() and ws.cancel_button.isEnabled()
    wait_idle(qtbot, ws)
    report = blocker.args[0]
    assert [layer.measured.time_ms for layer in report.layers] == [5.4, 0.27, 0.36, 0.06]
    assert ws.measured.table.rowCount() == 4
    assert [ws.measured.cell(row, 9) for row in range(4)] == ["5.400", "0.270", "0.360", "0.060"]
    assert ws.measured.cell(3, 10) == "-6.0" and ws.measured.cell(2, 11).startswith("weights_shape")
    assert "brd2601" in ws.measured.summary_text() and "EFR32MG24B310F1536IM48" in ws.connection.info.text()
    summary = report.summary  # the board's arena beside the estimate of the same accelerator, as the CLI gives them
    board_bytes, estimate = summary.measured.runtime_memory_bytes, summary.arena_bytes_mvp
    assert summary.accelerator == "mvp" and board_bytes and estimate and estimate != summary.arena_bytes
    error = (estimate - board_bytes) / board_bytes * 100
    assert (f"runtime memory {board_bytes:,} bytes (estimated {estimate:,} bytes, error {error:+.1f} %)"
            in ws.measured.summary_text())
    assert ws.progress.value() == 100 and window.last_error is None
    assert ws.console.lines()[0] == "Starting Model Profiler" and ws.console.lines()[-1] == "done"
    assert ws.profile_button.isEnabled() and not ws.cancel_button.isEnabled()


def test_classify_streams_detections_and_scores_until_cancel(window, qtbot, commander, tmp_path,
                                                             classifier_image) -> None:
    # MLTK's reference model: the expected detections below follow from its settings (threshold 185).
    assert window.open_model(reference_model_path()), window.last_error
    sim = start_board(commander, tmp_path, time_scale=0.05)
    ws = BoardWorkspace(window)
    qtbot.addWidget(ws)
    try:
        use_board(ws, sim, classifier=classifier_image)
        ws.verbose.setChecked(True)
        detections, scores = [], []
        ws.board_detection.connect(detections.append)
        ws.board_scores.connect(lambda t, s: scores.append((t, s)))
        qtbot.mouseClick(ws.classify_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(detections) >= 2, timeout=RUN_TIMEOUT_MS)
        qtbot.mouseClick(ws.cancel_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, ws)
        assert detections[:2] == [{"source": "board", "time_ms": 3500, "class": 0, "label": "yes", "score": 200},
                                  {"source": "board", "time_ms": 6000, "class": 1, "label": "no", "score": 200}]
        assert ws.detections.labels()[:2] == ["yes", "no"] and ws.tabs.currentIndex() == 1
        assert len(scores) >= 55 and scores[0] == (200, [2, 2, 4, 248])
        assert "cancelled" in ws.status.text() and window.last_error is None
        assert any(line == "verbose_model_output_logs=1" for line in ws.console.lines())
        assert ws.confirm_close() is True  # nothing runs any more: no question
    finally:
        ws.shutdown()
        sim.stop()


@pytest.mark.parametrize(("fault", "action", "words"), [
    ("hardfault", "profile", "HardFault"),
    ("alloc", "profile", "Failed to allocate buffer"),
    ("vanish", "classify", "vanished"),
    ("classifier-error", "classify", "Failed to load .tflite model")])
def test_board_faults_give_one_sentence_and_a_usable_window(window, qtbot, commander, tmp_path, fault, action,
                                                            words, profiler_image, classifier_image) -> None:
    sim = start_board(commander, tmp_path, fault=fault, vanish_after=40)
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        use_board(ws, sim, profiler=profiler_image, classifier=classifier_image)
        getattr(ws, action)()
        wait_idle(qtbot, ws)
        assert window.last_error is not None and words in window.last_error
        assert "\n" not in window.last_error and "Traceback" not in window.last_error
        assert ws.profile_button.isEnabled() and ws.classify_button.isEnabled()
    finally:
        ws.shutdown()
        sim.stop()


def test_console_shows_the_raw_log_and_saves_it(workspace, window, qtbot, board, commander, profiler_image,
                                                tmp_path: Path, reference_model_path: Path) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board

    program_board(Commander.find(), image=profiler_image, tflite=reference_model_path.read_bytes())
    ws = workspace
    ws.connection.port.setEditText(str(board.port))
    assert ws.open_console()
    qtbot.waitUntil(lambda: "Listening on" in ws.status.text(), timeout=RUN_TIMEOUT_MS)
    board.press_reset()
    qtbot.waitUntil(lambda: ws.console.lines()[-1:] == ["done"], timeout=RUN_TIMEOUT_MS)
    ws.cancel()
    wait_idle(qtbot, ws)
    saved = ws.console.save_to(tmp_path / "board.log")
    text = saved.read_text()
    assert text.startswith("Starting Model Profiler\n") and text.endswith("done\n")
    assert window.last_error is None


def test_missing_or_busy_port_and_no_model(window, qtbot, commander, tmp_path: Path) -> None:
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        ws.connection.port.setEditText(str(tmp_path / "ttyGONE"))
        ws.open_console()
        wait_idle(qtbot, ws)
        assert window.last_error == (f"Serial port {tmp_path / 'ttyGONE'} does not exist (is the board connected? "
                                     "the Serial port box lists the connected ones).")  # not `kws board list`
        from workbench.board.uart.line_reader import SerialLineReader

        sim = start_board(commander, tmp_path)
        with SerialLineReader(str(sim.port)):  # another program holds the board's port
            ws.connection.port.setEditText(str(sim.port))
            ws.open_console()
            wait_idle(qtbot, ws)
        sim.stop()
        assert "is busy" in window.last_error
        window.controller.model = None
        window.last_error = None
        assert not ws.profile() and "Load a model first" in window.last_error
    finally:
        ws.shutdown()


def test_board_info_several_debuggers_and_remembered_choice(window, qtbot, commander) -> None:
    commander.configure(debuggers=[{"serialno": "440000001"},
                                   {"serialno": "440000002", "part_number": "EFR32MG24B210F1536IM48"}])
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        ws.connection.debugger.setEditText("")
        qtbot.mouseClick(ws.connection.info_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, ws)
        assert window.last_error == ("Several debuggers are connected: choose one (in the Debugger box, which lists "
                                     "their serial numbers).")  # not --serialno nor `kws board list`
        ws.connection.debugger.setEditText("440000002")
        ws.read_info()
        wait_idle(qtbot, ws)
        assert "EFR32MG24B210F1536IM48 — brd4186" in ws.connection.info.text()
    finally:
        ws.shutdown()
    again = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(again)
    assert again.connection.serialno() == "440000002"
    assert window.settings.qsettings.value("board/serialno") == "440000002"
    again.shutdown()


def test_cancel_during_a_slow_flash(window, qtbot, commander, tmp_path: Path, classifier_image) -> None:
    commander.configure(line_delay_s=0.5)
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        ws.firmware.classifier.setText(str(classifier_image))  # Flash's own app
        ws.flash()
        qtbot.waitUntil(lambda: ws.progress.format().startswith("flashing image"), timeout=RUN_TIMEOUT_MS)
        ws.cancel()  # Commander is writing the image: what is left on the board is said as an error is
        wait_idle(qtbot, ws)
        assert ws.status.text().startswith("Flashing: cancelled; the flash is incomplete")
        assert window.last_error == (f"Flashing was cancelled: the flash is incomplete: {classifier_image.name} may "
                                     "be only partly written and the model was not written; flash the board again "
                                     "before using it.")
    finally:
        ws.shutdown()


@pytest.mark.skipif(not os.access("/dev", os.W_OK), reason="needs a writable /dev to plug in a port")
def test_hot_plug_refreshes_the_port_picker(window, qtbot, commander, tmp_path: Path) -> None:
    sim = start_board(commander, tmp_path)
    link = Path(f"/dev/ttyUSB_kwstest{os.getpid()}")
    ws = BoardWorkspace(window)
    qtbot.addWidget(ws)
    try:
        qtbot.waitUntil(lambda: ws.watcher.last is not None, timeout=5000)
        assert str(link) not in ws.connection.known_ports()
        link.symlink_to(os.path.realpath(sim.port))
        qtbot.waitUntil(lambda: str(link) in ws.connection.known_ports(), timeout=10_000)
        link.unlink()
        qtbot.waitUntil(lambda: str(link) not in ws.connection.known_ports(), timeout=10_000)
    finally:
        link.unlink(missing_ok=True)
        ws.shutdown()
        sim.stop()


@pytest.mark.parametrize("size", [(1200, 720), (1520, 880)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_text_is_cut_off(window, qtbot, commander, board, profiler_image, size) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from text_fit import cut_off_texts

    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        ws.resize(*size)
        ws.show()
        use_board(ws, board, profiler=profiler_image)
        ws.profile()
        wait_idle(qtbot, ws)
        qtbot.wait(50)
        problems = cut_off_texts(ws)
        ws.tabs.setCurrentIndex(1)
        qtbot.wait(20)
        problems += cut_off_texts(ws)
        assert problems == []
    finally:
        ws.shutdown()


def test_closing_over_a_running_board_job_asks_first(window, qtbot, commander, tmp_path, classifier_image) -> None:
    assert window.open_model(reference_model_path()), window.last_error
    sim = start_board(commander, tmp_path, time_scale=0.05)
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    questions: list[str] = []
    try:
        use_board(ws, sim, classifier=classifier_image)
        ws.classify()
        assert ws.busy
        ws.ask = lambda _parent, question: questions.append(question) or False
        assert ws.confirm_close() is False and ws.busy  # No: the job goes on
        ws.ask = lambda _parent, question: questions.append(question) or True
        assert ws.confirm_close() is True
        assert questions == ["The board is busy (classifying on the board). Stop it and close?"] * 2
    finally:
        ws.shutdown()
        sim.stop()


def test_no_commander_is_explained_once_beside_its_box(window, qtbot, no_commander) -> None:
    """The note under Commander holds the advice; the job's failure points at it instead of repeating it."""
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        assert "install Simplicity Commander" in ws.connection.commander_state.text()
        ws.read_info()
        wait_idle(qtbot, ws)
        assert ws.status.text() == COMMANDER_MISSING and window.last_error == COMMANDER_MISSING
        assert "install Simplicity Commander" not in COMMANDER_MISSING
        assert "install Simplicity Commander" in ws.connection.commander_state.text()
    finally:
        ws.shutdown()


@pytest.mark.parametrize("action", ["profile", "classify"])
def test_a_run_that_flashes_without_commander_says_commander_is_missing(window, qtbot, no_commander,
                                                                       action: str) -> None:
    """As Flash and Read board info do: before, Profile and Classify looked for the debugger's serial port first
    and said "No J-Link serial port (board) was found", never naming the missing Commander. With "Don't flash"
    no Commander is needed, and the run fails on what it does lack (here: the port)."""
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    ws.ask_flash = lambda _parent, _title, _question: True  # flash whatever the classifier would say of the model
    try:
        assert getattr(ws, action)()
        wait_idle(qtbot, ws)
        assert ws.status.text() == COMMANDER_MISSING and window.last_error == COMMANDER_MISSING
        ws.no_flash.setChecked(True)
        assert getattr(ws, action)()
        wait_idle(qtbot, ws)
        assert window.last_error is not None and window.last_error != COMMANDER_MISSING
        assert "Commander" not in window.last_error
    finally:
        ws.shutdown()


def test_a_profile_that_lost_figures_on_the_serial_line_says_so_after_the_run(window, qtbot, board_factory,
                                                                              profiler_image, profiler_mvp_log,
                                                                              tmp_path) -> None:
    """The run's warning is the last word and an error, not covered by "profiled: … ms per inference"."""
    cut = tmp_path / "cut.log"
    cut.write_text(cut_after_conv_time(profiler_mvp_log))
    sim = board_factory(profiler_log=cut)
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        use_board(ws, sim, profiler=profiler_image)
        with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
            assert ws.profile()
        wait_idle(qtbot, ws)
        assert ws.status.text().startswith("Profiled, in part: the board's log lacks the CPU cycles")
        assert window.last_error is not None and window.last_error.startswith("The profile is incomplete: ")
        assert ws.measured.table.rowCount() == 4  # what was measured is shown, the rest as unknown
        # the store would refuse it: Save is not offered (a click failed, before), and its tooltip says why
        save = ws.measured.save_button
        assert not save.isEnabled() and ws.measured.export_button.isEnabled()
        assert save.toolTip().startswith("It cannot be saved, as the refit must not learn from it: it lacks ")
    finally:
        ws.shutdown()
