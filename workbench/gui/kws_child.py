"""A ``kws`` sub-command in a child process, with its JSON-lines progress turned into Qt signals.

Why a child: a calibration replays an hour of audio and sweeps thousands of parameter sets; in a child
the window stays responsive, Cancel is immediate (the child is interrupted, and writes its files only at
the end, atomically), and a crash is a message, not a dead window. The process itself (start, Cancel,
the exit) is :class:`workbench.gui.kws_child_process.KwsChildProcess`.

The child prints ``{"phase", "fraction"}`` lines (``--progress jsonl``) and ``{"message"}`` lines on
stderr, and ``kws: error: …`` for an expected failure; anything else there (runtime chatter) is ignored. A
progress line may also count what the phase works through (``"done"``, ``"total"``, ``"unit"``: ``kws evaluate``'s
clips), which a bar can show as "33 of 110 clips" rather than a percentage.
"""

from __future__ import annotations

import json
from typing import Mapping

from PySide6.QtCore import QObject, Signal

from workbench.gui.kws_child_process import (CANCELLED, SUCCEEDED, CancelPolicy, KwsChildProcess, StopSignal,
                                             in_window_terms)

KILL_AFTER_MS = 3000  # after Cancel, a child that has not stopped is killed
# Ctrl-C; once Cancel is pressed the run is cancelled whatever the child does (its files are discarded)
CANCEL_POLICY = CancelPolicy(stop_signal=StopSignal.INTERRUPT, kill_after_ms=KILL_AFTER_MS, cancel_is_final=True)


def counted_text(item: Mapping[str, object]) -> str:
    """"33 of 110 clips" for a progress line that counts (``done``, ``total``, ``unit``), else ""."""
    done, total, unit = item.get("done"), item.get("total"), item.get("unit")
    if not isinstance(done, int) or not isinstance(total, int) or total <= 0:
        return ""
    return f"{done:,} of {total:,}" + (f" {unit}" if unit else "")


class KwsChild(KwsChildProcess):
    """Run one ``kws`` command at a time.

    Signals: ``progress(phase, fraction)`` (after ``counted(text)``: "33 of 110 clips", or "" when the line
    counts nothing), ``message(text)``, ``succeeded()``, ``failed(message)``
    (one sentence), ``cancelled()``. Exactly one of the last three follows every :meth:`start`.
    :meth:`cancel` interrupts the child (Ctrl-C on POSIX) and kills it if it has not stopped after a
    few seconds.
    """

    progress = Signal(str, float)
    counted = Signal(str)
    message = Signal(str)
    succeeded = Signal()
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, what: str, parent: QObject | None = None, boxes: Mapping[str, str] | None = None) -> None:
        """``boxes``: the window's name for each option it fills in from a box (``{"--background":
        "Background"}``), so that failures and messages speak of the box (:func:`in_window_terms`)."""
        super().__init__(what, CANCEL_POLICY, read_stdout=False, parent=parent, boxes=boxes)
        self.stderr_line.connect(self._progress_line)
        self.ended.connect(self._ended)

    def start(self, *args: str) -> None:
        self.start_command(args)

    def _progress_line(self, line: str) -> None:
        line = line.strip()
        if not line.startswith("{"):
            return
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            return
        if "fraction" in item:
            self.counted.emit(counted_text(item))
            self.progress.emit(str(item.get("phase", "")), float(item["fraction"]))
        elif "message" in item:
            self.message.emit(in_window_terms(str(item["message"]), self.boxes))

    def _ended(self, outcome: str, error: str) -> None:
        if outcome == CANCELLED:
            self.cancelled.emit()
        elif outcome == SUCCEEDED:
            self.succeeded.emit()
        else:
            self.failed.emit(error)
