"""What a board reports, shown beside the PC's: its detections in the log, its scores in the score plot,
its measured profile in the Profile workspace (only while its model is still the loaded one).

Why a link of its own: the Board workspace talks to the board; the live views show the stream. A
board's clock counts from its reset, so its results are placed at the PC's stream time of their
arrival (serial latency is milliseconds), or at the board's own time when the PC is not streaming.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer

from workbench.gui.live.detection_log_view import SOURCE_BOARD, LogEntry

MS_PER_S = 1000.0


def connect_board(board: Any, window: Any) -> None:
    """Route ``board`` (a BoardWorkspace)'s signals into ``window``'s log, score plot and profile."""
    board.board_detection.connect(lambda event: _log_detection(window, event))
    board.board_scores.connect(lambda time_ms, scores: window.live.scores.add_board_scores(
        board_time_s(window, time_ms), scores, tuple(getattr(window.controller.model, "classes", ()))))
    board.board_profile.connect(lambda report, model: show_board_profile(window, report, model))


def show_board_profile(window: Any, report: Any, profiled: Any) -> bool:
    """Show a board's profile of the model ``profiled`` in the Profile workspace, if that model (the same
    bytes) is still the loaded one; True when shown.

    Why the check: the board takes a minute; the user may load another model meanwhile, and the old
    model's measurements shown under the new one (its name in the title, its re-profiling controls)
    would pass for the new model's. Such a report is dropped with a status message naming its model.
    """
    loaded = window.controller.model
    if loaded is None or profiled is None or bytes(loaded.tflite) != bytes(profiled.tflite):
        name = profiled.name if profiled is not None else "another model"
        if loaded is None:
            now = "no model is loaded now"
        elif loaded.name == name:  # the same name, other bytes: another file, or the same one with other parameters
            now = f"the loaded {loaded.name} is not the file that was profiled"
        else:
            now = f"the loaded model is now {loaded.name}"
        message = f"Board profile of {name} not shown: {now}; profile it on the board again."
        QTimer.singleShot(0, lambda: window.show_status(message))  # after the Board workspace's "profiled" status
        return False
    window.profile_view.set_report(report)
    return True


def board_time_s(window: Any, board_ms: int) -> float:
    controller = window.controller
    if controller.session is not None and controller.running:
        return float(controller.session.engine.stream_time_s)
    return board_ms / MS_PER_S


def _log_detection(window: Any, event: dict[str, Any]) -> None:
    window.log.add_entry(LogEntry(time.time(), board_time_s(window, int(event.get("time_ms", 0))),
                                  str(event.get("label", "")), int(event.get("class", 0)),
                                  int(event.get("score", 0)), source=SOURCE_BOARD))
