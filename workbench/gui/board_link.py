"""What a board reports, shown beside the PC's: its detections in the log, its scores in the score plot,
its measured profile in the Profile workspace.

Why a link of its own: the Board workspace talks to the board; the live views show the stream. A
board's clock counts from its reset, so its results are placed at the PC's stream time of their
arrival (serial latency is milliseconds), or at the board's own time when the PC is not streaming.
"""

from __future__ import annotations

import time
from typing import Any

from workbench.gui.live.detection_log_view import SOURCE_BOARD, LogEntry

MS_PER_S = 1000.0


def connect_board(board: Any, window: Any) -> None:
    """Route ``board`` (a BoardWorkspace)'s signals into ``window``'s log, score plot and profile."""
    board.board_detection.connect(lambda event: _log_detection(window, event))
    board.board_scores.connect(lambda time_ms, scores: window.live.scores.add_board_scores(
        board_time_s(window, time_ms), scores, tuple(getattr(window.controller.model, "classes", ()))))
    board.board_profile.connect(window.profile_view.set_report)


def board_time_s(window: Any, board_ms: int) -> float:
    controller = window.controller
    if controller.session is not None and controller.running:
        return float(controller.session.engine.stream_time_s)
    return board_ms / MS_PER_S


def _log_detection(window: Any, event: dict[str, Any]) -> None:
    window.log.add_entry(LogEntry(time.time(), board_time_s(window, int(event.get("time_ms", 0))),
                                  str(event.get("label", "")), int(event.get("class", 0)),
                                  int(event.get("score", 0)), source=SOURCE_BOARD))
