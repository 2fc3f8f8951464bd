"""A board's results beside the PC's in the main window: its detections in the log (marked board), its
verbose scores as dashed traces in the live score plot, its measured profile in the Profile workspace."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import (board, board_factory, classifier_image, commander, profiler_image,  # noqa: E402,F401
                            start_board)

RUN_TIMEOUT_MS = 60_000


def test_board_detections_and_scores_reach_the_live_views(window, qtbot, commander, tmp_path,
                                                          classifier_image) -> None:
    sim = start_board(commander, tmp_path, time_scale=0.05)
    ws = window.board
    try:
        window.show_workspace("board")
        ws.connection.port.setEditText(str(sim.port))
        ws.firmware.classifier.setText(str(classifier_image))
        ws.verbose.setChecked(True)
        qtbot.mouseClick(ws.classify_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.log.labels()[:2] == ["yes", "no"], timeout=RUN_TIMEOUT_MS)
        qtbot.mouseClick(ws.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not ws.busy, timeout=RUN_TIMEOUT_MS)
    finally:
        ws.shutdown()
        sim.stop()
    board_rows = [e for e in window.log.entries if e.source == "board"]
    assert [e.label for e in board_rows[:2]] == ["yes", "no"]
    # No PC stream: the board's own clock (the simulated session's "yes" ends at 3-4 s; the exact time depends
    # on the flashed model's threshold), not the wall clock.
    assert 3.0 <= board_rows[0].stream_time_s <= 4.0
    assert window.log.table.item(0, 4).text() == "board"
    scores = window.live.scores.board_scores()
    assert scores.shape[0] >= 55 and list(scores[0, 1:]) == [2, 2, 4, 248] and scores[0, 0] == 0.2
    assert window.live.scores.board_traces.traces == len(window.controller.model.classes)
    assert any(label.text == "board" for _, label in window.live.scores.legend.items)


def test_a_board_profile_shows_beside_the_estimate_in_the_profile_workspace(window, qtbot, board,
                                                                            profiler_image) -> None:
    from workbench.gui.model.layer_table_model import column_index

    ws = window.board
    try:
        ws.connection.port.setEditText(str(board.port))
        ws.firmware.profiler.setText(str(profiler_image))
        with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
            qtbot.mouseClick(ws.profile_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not ws.busy, timeout=RUN_TIMEOUT_MS)
    finally:
        ws.shutdown()
    view = window.profile_view
    board_ms = column_index("Board ms")
    assert not view.table.isColumnHidden(board_ms)
    assert [view.proxy.index(r, board_ms).data() for r in range(4)] == ["5.400", "0.270", "0.360", "0.060"]
