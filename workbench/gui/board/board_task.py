"""One board job (info, flash, profile, classify, console) on a QThread, reported through Qt signals.

Why a QThread around :mod:`workbench.board` rather than a ``kws`` child process: the board layer already
keeps every blocking wait off its caller (Commander runs as a child process read on a helper thread,
the serial port is read on its own thread) and every wait checks a cancel event, so a worker thread
only has to call it and forward its callbacks as queued signals. Results arrive as the real objects
(a :class:`ProfileReport`, :class:`BoardDetection` events) with no JSON round trip, and Cancel takes
effect within one poll (0.1 s). An unexpected exception becomes a one-line message, never a traceback
dialog (the traceback goes to stderr for a bug report).
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

from PySide6.QtCore import QThread, Signal

from workbench.board.runs.classify_run import ClassifyHandlers
from workbench.board.commander.output import FlashProgress
from workbench.board.errors import Cancelled, FlashInterrupted
from workbench.board.runs.job import BoardCallbacks
from workbench.core.errors import WorkbenchError
from workbench.gui.board.board_work import Work

PERCENT = 100
BUSY = -1  # progress value for "working, amount unknown"


class BoardTask(QThread):
    """Runs ``work(callbacks, handlers)`` once; exactly one of succeeded / failed / cancelled follows."""

    status = Signal(str)
    progress = Signal(str, int)  # what, percent (BUSY when unknown)
    line = Signal(str)  # every serial line
    startup = Signal(object)  # ClassifierStartup
    event = Signal(object)  # BoardScores | BoardDetection | BoardNotice
    succeeded = Signal(object)  # the work's result
    failed = Signal(str, str)  # one sentence, the error's class name (e.g. "SeveralDebuggers")
    cancelled = Signal(str)  # what the stop left behind ("" for nothing: e.g. a flash cut short says so)

    def __init__(self, name: str, work: Work, parent: Any = None) -> None:
        super().__init__(parent)
        self.name = name
        self._work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def _flash_progress(self, step: str, progress: FlashProgress) -> None:
        if progress.phase == "programming" or progress.phase == "done":
            self.progress.emit(f"flashing {step}", round(progress.fraction * PERCENT))
        else:
            self.progress.emit(f"flashing {step}: {progress.phase}", BUSY)

    def _download_progress(self, done: int, total: int | None) -> None:
        self.progress.emit("downloading firmware", round(done * PERCENT / total) if total else BUSY)

    def run(self) -> None:  # the worker thread
        callbacks = BoardCallbacks(status=self.status.emit, flash_progress=self._flash_progress,
                                   download_progress=self._download_progress, line=self.line.emit,
                                   cancel=self._cancel)
        handlers = ClassifyHandlers(startup=self.startup.emit, event=self.event.emit)
        try:
            result = self._work(callbacks, handlers)
        except FlashInterrupted as exc:
            self.cancelled.emit(str(exc))
        except Cancelled:
            self.cancelled.emit("")
        except WorkbenchError as exc:
            if self._cancel.is_set():
                self.cancelled.emit("")  # e.g. Commander killed by the cancel and reporting it
            else:
                self.failed.emit(str(exc), type(exc).__name__)
        except Exception as exc:  # a bug: say so in one line, keep the window alive
            traceback.print_exc()
            self.failed.emit(f"Unexpected error while {self.name}: {type(exc).__name__}: {exc}", "bug")
        else:
            self.succeeded.emit(result)
