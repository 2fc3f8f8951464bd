"""``kws train`` in a child process, its JSON-lines progress turned into Qt signals.

Why a child (and not a thread): training imports TensorFlow, takes minutes and all the cores; in a
child the window stays responsive, the GUI never loads TensorFlow (an import-linter contract keeps
``workbench.gui`` free of it) and a crash is a message, not a dead window. The child is started with
:func:`workbench.child_command.kws_command`, so a frozen bundle relaunches itself in worker mode.

Stopping: :meth:`cancel` creates the run's ``STOP`` file (works on every platform) and, on POSIX,
also sends SIGTERM; the child stops at the next batch, keeps its best checkpoint and exits with 130.
Only a child that has not stopped after :data:`KILL_AFTER_MS` is killed (its files are written
atomically, so even that leaves nothing half-written).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from workbench.child_command import kws_command

ERROR_PREFIX = "kws: error: "
STOP_FILE_NAME = "STOP"  # the name kws train polls in its output folder
EXIT_CANCELLED = 130
KILL_AFTER_MS = 60_000  # stopping waits for the current batch and a checkpoint write
DONE, CANCELLED, FAILED = "done", "cancelled", "failed"


class TrainingProcess(QObject):
    """One ``kws train`` run at a time.

    Signals: ``event(dict)`` for every progress line, ``log(str)`` for other child output worth
    showing, and ``finished(status, message)`` exactly once per :meth:`start`, with status
    ``done``, ``cancelled`` or ``failed`` (message: one sentence).
    """

    event = Signal(dict)
    log = Signal(str)
    finished = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        self._out: Path | None = None
        self._stdout = b""
        self._stderr = b""
        self._error = ""
        self._last_event: dict[str, Any] = {}
        self._cancelling = False
        self._kill_timer = QTimer(self, singleShot=True, interval=KILL_AFTER_MS)
        self._kill_timer.timeout.connect(self._kill)

    @property
    def running(self) -> bool:
        return self._process is not None

    @property
    def out(self) -> Path | None:
        return self._out

    def start(self, out: Path, *args: str) -> None:
        """Run ``kws train --out OUT ARGS --progress jsonl``."""
        if self._process is not None:
            raise RuntimeError("a training run is already in progress")
        program, *arguments = kws_command("train", "--out", str(out), *args, "--progress", "jsonl")
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        process.readyReadStandardOutput.connect(self._read_stdout)
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error_occurred)
        self._process, self._out = process, Path(out)
        self._stdout = self._stderr = b""
        self._error, self._last_event, self._cancelling = "", {}, False
        (Path(out) / STOP_FILE_NAME).unlink(missing_ok=True)
        process.start(program, arguments)

    def cancel(self) -> None:
        """Ask the run to stop at the next batch (best checkpoint kept)."""
        if self._process is None or self._cancelling:
            return
        self._cancelling = True
        if self._out is not None:
            try:
                self._out.mkdir(parents=True, exist_ok=True)
                (self._out / STOP_FILE_NAME).touch()
            except OSError:
                pass
        if sys.platform != "win32":
            self._process.terminate()  # SIGTERM: the child's clean-stop handler
        self._kill_timer.start()

    def wait_stopped(self, timeout_ms: int = KILL_AFTER_MS) -> None:
        """Block until the child is gone (window shutdown); kill it if it does not stop in time."""
        process = self._process
        if process is not None and not process.waitForFinished(timeout_ms):
            process.kill()
            process.waitForFinished(timeout_ms)

    # -- child output ---------------------------------------------------------------------------
    def _read_stdout(self) -> None:
        if self._process is None:
            return
        self._stdout += bytes(self._process.readAllStandardOutput().data())
        *lines, self._stdout = self._stdout.split(b"\n")
        for raw in lines:
            self._json_line(raw.decode("utf-8", "replace").strip())

    def _json_line(self, line: str) -> None:
        if not line:
            return
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            self.log.emit(line)
            return
        if isinstance(item, dict):
            self._last_event = item
            self.event.emit(item)

    def _read_stderr(self) -> None:
        if self._process is None:
            return
        self._stderr += bytes(self._process.readAllStandardError().data())
        *lines, self._stderr = self._stderr.split(b"\n")
        for raw in lines:
            self._stderr_line(raw.decode("utf-8", "replace").rstrip())

    def _stderr_line(self, line: str) -> None:
        if line.startswith(ERROR_PREFIX):
            self._error = line[len(ERROR_PREFIX):]
        elif line.startswith("kws: "):
            self.log.emit(line)

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_stdout()
        self._read_stderr()
        if self._stdout:
            self._json_line(self._stdout.decode("utf-8", "replace").strip())
        self._kill_timer.stop()
        process, self._process = self._process, None
        if process is not None:
            process.deleteLater()
        if self._out is not None:
            (self._out / STOP_FILE_NAME).unlink(missing_ok=True)
        if status == QProcess.ExitStatus.NormalExit and code == 0:
            self.finished.emit(DONE, str(self._last_event.get("message", "training finished")))
        elif self._cancelling or code == EXIT_CANCELLED:
            self.finished.emit(CANCELLED, str(self._last_event.get("message", "training stopped")))
        elif self._error:
            self.finished.emit(FAILED, self._error)
        else:
            self.finished.emit(FAILED, f"the training stopped unexpectedly (exit code {code})")

    def _error_occurred(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            process, self._process = self._process, None
            process.deleteLater()
            self.finished.emit(FAILED, f"cannot start the training: {process.errorString()}")

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
