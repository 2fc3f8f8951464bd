"""A board job's results once another model has been opened: they are the previous model's, so they stay out of
the measured table (and the window's log) and the status says whose they were; Classify's list is its run's, and
says whose run it is. A real main window, the simulated board and Commander."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import (board, board_factory, classifier_image, commander, no_commander,  # noqa: E402,F401
                            profiler_image, start_board)

from workbench.assets import reference_model_path  # noqa: E402
from tests.bundled_model_paths import yes_no_model_path  # noqa: E402
from tests.gui.board.board_workspace_steps import (RUN_TIMEOUT_MS, board_workspace, use_board,  # noqa: E402
                                                  wait_idle)
from workbench.gui.board.job_model import previous_detections_status, run_caption  # noqa: E402
from workbench.gui.board.measured_table_view import EMPTY_TEXT  # noqa: E402

SLOW_FLASH_S = 0.5  # Commander's lines this far apart: time to open another model before the profile is read


@pytest.fixture
def workspace(window, qtbot, commander):  # noqa: F811
    yield from board_workspace(window, qtbot, watch_ports=False)


@contextmanager
def classifying(window, ws, qtbot, commander, tmp_path, image) -> Iterator[str]:  # noqa: F811
    """Classify running on a simulated board with its first detection listed: the classified model's name."""
    classified = window.controller.model.name
    sim = start_board(commander, tmp_path, time_scale=0.05)
    try:
        use_board(ws, sim, classifier=image)
        assert ws.classify()
        qtbot.waitUntil(lambda: len(ws.detections.detections) >= 1, timeout=RUN_TIMEOUT_MS)
        yield classified
    finally:
        sim.stop()


def test_a_profile_finishing_after_another_model_was_opened_is_not_shown_as_its(  # noqa: F811
        window, workspace, qtbot, commander, board, profiler_image) -> None:
    ws = workspace
    profiled = window.controller.model.name
    commander.configure(line_delay_s=SLOW_FLASH_S)
    use_board(ws, board, profiler=profiler_image)
    assert ws.profile()
    qtbot.waitUntil(lambda: ws.progress.format().startswith("flashing image"), timeout=RUN_TIMEOUT_MS)
    assert window.open_model(reference_model_path()), window.last_error
    opened = window.controller.model.name
    assert opened != profiled
    wait_idle(qtbot, ws)
    # before: the previous model's figures under the new model's name, Save measurement offered
    assert ws.measured.report is None and ws.measured.table.rowCount() == 0
    assert ws.measured.summary_text() == EMPTY_TEXT and not ws.measured.save_button.isEnabled()
    assert ws.status.text().startswith("Profiled: ")
    assert ws.status.text().endswith(f", of the previous model {profiled} (not the one open now)")
    assert window.last_error is None


def test_detections_after_another_model_was_opened_stay_with_their_run_out_of_its_live_views(  # noqa: F811
        window, workspace, qtbot, commander, tmp_path, classifier_image) -> None:
    ws = workspace
    with classifying(window, ws, qtbot, commander, tmp_path, classifier_image) as classified:
        emitted: list[dict] = []  # what the window's log and score plot would get
        ws.board_detection.connect(emitted.append)
        ws.board_scores.connect(lambda time_ms, scores: emitted.append({"time_ms": time_ms}))
        shown = len(ws.detections.detections)
        assert window.open_model(reference_model_path()), window.last_error
        qtbot.waitUntil(lambda: "previous model" in ws.status.text(), timeout=RUN_TIMEOUT_MS)
        listed = len(ws.detections.detections)
        assert ws.status.text() == previous_detections_status("Classifying on the board", classified, listed)
        assert listed > shown and ws.detections.table.rowCount() == listed and emitted == []
        ws.cancel()
        wait_idle(qtbot, ws)

        assert window.open_model(yes_no_model_path()), window.last_error  # the model the board runs, again
        assert ws.classify()
        qtbot.waitUntil(lambda: len(ws.detections.detections) >= 1, timeout=RUN_TIMEOUT_MS)
        assert ws.status.text().startswith("Classifying on the board: ")
        ws.cancel()
        wait_idle(qtbot, ws)


def test_a_profile_of_the_model_saved_with_new_parameters_meanwhile_is_still_its(  # noqa: F811
        window, workspace, qtbot, commander, board, profiler_image, tmp_path) -> None:
    """Save into model rewrites only the parameters: the network the board profiled is the one open."""
    ws = workspace
    own = tmp_path / "own.tflite"
    shutil.copy(yes_no_model_path(), own)
    assert window.open_model(own), window.last_error
    commander.configure(line_delay_s=SLOW_FLASH_S)
    use_board(ws, board, profiler=profiler_image)
    assert ws.profile()
    qtbot.waitUntil(lambda: ws.progress.format().startswith("flashing image"), timeout=RUN_TIMEOUT_MS)
    assert window.controller.tuning.set(detection_threshold=211)
    assert window.save_parameters(own), window.last_error
    wait_idle(qtbot, ws)
    assert ws.measured.report is not None and ws.measured.table.rowCount() > 0
    assert ws.measured.save_button.isEnabled()
    assert "previous model" not in ws.status.text()


def test_going_back_to_the_classified_model_mid_run_keeps_the_runs_list(  # noqa: F811
        window, workspace, qtbot, commander, tmp_path, classifier_image) -> None:
    """The list is the run's, whatever model is open meanwhile: never emptied by opening another model, nor
    restarted by opening the run's own again (before: the detections shown so far were thrown away, and the
    list restarted mid-run, with a gap)."""
    ws = workspace
    with classifying(window, ws, qtbot, commander, tmp_path, classifier_image) as classified:
        assert ws.detections.run_label.text() == run_caption(classified, open_now=True)
        assert window.open_model(reference_model_path()), window.last_error
        shown = list(ws.detections.detections)
        assert shown  # kept, not emptied
        assert ws.detections.run_label.text() == run_caption(classified, open_now=False)
        qtbot.waitUntil(lambda: len(ws.detections.detections) > len(shown), timeout=RUN_TIMEOUT_MS)
        assert ws.status.text().startswith(f"Classifying on the board with the previous model {classified}: ")
        during_other = len(ws.detections.detections)

        assert window.open_model(yes_no_model_path()), window.last_error  # the run's model again, mid-run
        assert ws.detections.run_label.text() == run_caption(classified, open_now=True)
        qtbot.waitUntil(lambda: len(ws.detections.detections) > during_other, timeout=RUN_TIMEOUT_MS)
        ws.cancel()
        wait_idle(qtbot, ws)
        times = [detection.time_ms for detection in ws.detections.detections]
        assert ws.detections.detections[:len(shown)] == shown  # the run's list from its start, not restarted
        assert times == sorted(times) and len(set(times)) == len(times)  # one run: its board time never goes back
        assert ws.detections.table.rowCount() == len(times)
