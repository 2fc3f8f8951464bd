"""Stopping a training run cleanly: a signal, Ctrl+C, Ctrl+Break or a stop file.

Why several ways: a terminal sends SIGINT, the GUI's QProcess.terminate() sends SIGTERM on POSIX but
nothing a console program sees on Windows, where only CTRL_BREAK (to a new process group) or a file
works. All of them set one event that the training loop checks after every batch (and the feature
workers between chunks, and the steps after the last epoch between clips and between steps): the run
stops at the next batch, keeps its best checkpoint and its state for ``--resume``. A second Ctrl+C
while stopping raises KeyboardInterrupt (stop *now*); checkpoints are written atomically, so even
that leaves no half-written file.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any


class RunStopped(Exception):
    """A stop request honoured between the steps after the last epoch (conversion, threshold, evaluations).

    Why an exception: those steps are nested calls with nothing to hand back half-done; the pipeline catches
    it and ends the run as a stopped run (the checkpoints stay, no model is written, ``--resume`` finishes).
    """

    def __init__(self, step: str) -> None:
        super().__init__(f"stopped during {step}")
        self.step = step


class CancelToken:
    """Set once a stop was requested; ``is_set()`` also notices the stop file."""

    def __init__(self, stop_file: Path | None = None) -> None:
        self._event = threading.Event()
        self.stop_file = stop_file
        self.reason = ""
        self._previous: dict[int, Any] = {}

    def set(self, reason: str = "stop requested") -> None:
        if not self._event.is_set():
            self.reason = reason
        self._event.set()

    def is_set(self) -> bool:
        if not self._event.is_set() and self.stop_file is not None and self.stop_file.exists():
            self.set(f"stop file {self.stop_file.name} found")
        return self._event.is_set()

    def check(self, step: str) -> None:
        """Raise :class:`RunStopped` naming ``step`` when a stop was requested (see :class:`RunStopped`)."""
        if self.is_set():
            raise RunStopped(step)

    def clear_stop_file(self, after_run: bool = False) -> None:
        """Remove a stop request left from before; nothing to do where there is none, or the folder is not (yet) a
        folder (the run's own check then says what is wrong with it, in the user's words).

        ``after_run``: the clean-up after a run, which never raises: it runs in a ``finally``, where an error of its
        own (the folder turned read-only: unlink says so even for a file that is not there) would replace the run's
        error, which names the file the run could not write."""
        if self.stop_file is None or not self.stop_file.parent.is_dir() or not self.stop_file.exists():
            return
        try:
            self.stop_file.unlink(missing_ok=True)
        except OSError:
            if not after_run:
                raise

    # -- signals ------------------------------------------------------------------------------
    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self._event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.set(f"signal {signal.Signals(signum).name}")

    def install(self) -> "CancelToken":
        """Route SIGINT, SIGTERM (and SIGBREAK on Windows) here; main thread only."""
        if threading.current_thread() is not threading.main_thread():
            return self
        for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
            signum = getattr(signal, name, None)
            if signum is not None:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def uninstall(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def __enter__(self) -> "CancelToken":
        return self.install()

    def __exit__(self, *exc: object) -> None:
        self.uninstall()
