"""``kws sweep … --format jsonl`` in a child process, its events turned into Qt signals for the Sweeps view.

Why a child process: a sweep starts Ray and trains for hours; as a QProcess the window stays responsive,
never imports Ray or TensorFlow, and reads the sweep's events (:mod:`workbench.sweeps.reporting.events`) line
by line. The process itself (start, Cancel, the exit) is :class:`workbench.gui.kws_child_process.KwsChildProcess`.

Stopping: :meth:`~KwsChildProcess.cancel` writes the sweep's ``STOP`` file and, on POSIX, sends SIGTERM:
``kws sweep`` then stops every trial's training cleanly (each keeps its best checkpoint), writes the results of
the finished trials and exits. One still running after :data:`INSIST_AFTER_MS` (a trial slow to stop) gets SIGTERM
again, which ``kws sweep`` takes as "stop at once": the trials still running are left, the finished ones' results
written. Only a sweep that has not ended after :data:`KILL_AFTER_MS` is killed (which loses them). An output
folder deleted or moved meanwhile gets no ``STOP`` file (it would be made again for it):
:attr:`~KwsChildProcess.folder_gone` says so, and the view says it instead of "every trial stopped".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workbench.child_command import STOP_FILE_NAME
from workbench.gui.kws_child_process import (CANCELLED, FAILED, SUCCEEDED, CancelPolicy, KwsChildProcess,
                                             StopSignal)
from workbench.sweeps.reporting import events as ev

KILL_AFTER_MS = 180_000  # trials stop after a batch; Ray then shuts down
INSIST_AFTER_MS = 60_000  # then SIGTERM again: kws sweep stops at once, writing the finished trials' results
CANCEL_POLICY = CancelPolicy(stop_signal=StopSignal.TERMINATE, stop_file=STOP_FILE_NAME, kill_after_ms=KILL_AFTER_MS,
                             cancel_is_final=False,  # a sweep that ended with exit code 0 finished
                             insist_after_ms=INSIST_AFTER_MS)
# the boxes each option of kws sweep comes from: the child's errors name them instead
SWEEP_BOXES = {"--out": "Output", "--address": "Ray address", "--max-concurrent": "Trials at once"}


class SweepProcess(KwsChildProcess):
    """``kws sweep … --format jsonl`` as a child: ``event(dict)`` per line, ``finished(status, message)`` once
    (status: ``finished``, ``cancelled`` or ``failed``; message: one sentence)."""

    event = Signal(dict)
    finished = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__("the sweep", CANCEL_POLICY, parent=parent, boxes=SWEEP_BOXES)
        self.stdout_line.connect(self._event_line)
        self.ended.connect(self._ended)

    @property
    def out(self) -> Path | None:
        return self.out_folder

    def start(self, sweep_file: Path, out: Path, address: str = "", max_concurrent: int = 0) -> None:
        if self.running:
            raise RuntimeError("a sweep is already running")
        args = ["sweep", str(sweep_file), "--out", str(out), "--format", "jsonl"]
        args += ["--address", address] if address else []
        args += ["--max-concurrent", str(max_concurrent)] if max_concurrent > 0 else []
        self.start_command(args, out_folder=out)

    def _event_line(self, line: str) -> None:
        event = ev.parse_event_line(line)
        if event is not None:
            if event.get("event") != ev.ERROR:  # kws sweep holds its output folder before any other event
                self.note_folder_made()
            self.event.emit(event)

    def _ended(self, outcome: str, error: str) -> None:
        if outcome == SUCCEEDED:
            self.finished.emit(ev.SWEEP_FINISHED, "the sweep finished")
        elif outcome == CANCELLED:
            self.finished.emit(ev.SWEEP_CANCELLED, "the sweep was cancelled; every trial stopped")
        else:
            self.finished.emit(FAILED, error)
