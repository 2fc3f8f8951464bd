"""A ``kws`` sub-command in a child process, with its JSON-lines progress turned into Qt signals.

Why a child: a calibration replays an hour of audio and sweeps thousands of parameter sets; in a child
the window stays responsive, Cancel is immediate (the child is interrupted, and writes its files only at
the end, atomically), and a crash is a message, not a dead window. The child is started with
:func:`workbench.child_command.kws_command`, so it works from source and from a frozen bundle.

The child prints ``{"phase", "fraction"}`` lines (``--progress jsonl``) and ``{"message"}`` lines on
stderr, and ``kws: error: …`` for an expected failure; anything else there (runtime chatter) is ignored.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from workbench.child_command import kws_command

ERROR_PREFIX = "kws: error: "
KILL_AFTER_MS = 3000  # after Cancel, a child that has not stopped is killed
EXIT_INTERRUPTED = 130


class KwsChild(QObject):
    """Run one ``kws`` command at a time.

    Signals: ``progress(phase, fraction)``, ``message(text)``, ``succeeded()``, ``failed(message)``
    (one sentence), ``cancelled()``. Exactly one of the last three follows every :meth:`start`.
    """

    progress = Signal(str, float)
    message = Signal(str)
    succeeded = Signal()
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, what: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.what = what  # "the calibration": used in messages
        self._process: QProcess | None = None
        self._buffer = b""
        self._error = ""
        self._cancelling = False
        self._kill_timer = QTimer(self, singleShot=True, interval=KILL_AFTER_MS)
        self._kill_timer.timeout.connect(self._kill)

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, *args: str) -> None:
        if self._process is not None:
            raise RuntimeError("a child is already running")
        program, *arguments = kws_command(*args)
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        process.setStandardOutputFile(QProcess.nullDevice())
        process.readyReadStandardError.connect(self._read)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error_occurred)
        self._process, self._buffer, self._error, self._cancelling = process, b"", "", False
        process.start(program, arguments)

    def cancel(self) -> None:
        """Interrupt the child (Ctrl-C on POSIX); kill it if it has not stopped after a few seconds."""
        process = self._process
        if process is None:
            return
        self._cancelling = True
        pid = int(process.processId())
        if sys.platform != "win32" and pid > 0:
            os.kill(pid, signal.SIGINT)
        else:
            process.kill()
        self._kill_timer.start()

    def wait_stopped(self, timeout_ms: int = KILL_AFTER_MS) -> None:
        """Block until the child is gone (window shutdown); kills it if it does not stop in time."""
        process = self._process
        if process is not None and not process.waitForFinished(timeout_ms):
            process.kill()
            process.waitForFinished(timeout_ms)

    # -- child output -------------------------------------------------------------------------------
    def _read(self) -> None:
        if self._process is None:
            return
        self._buffer += bytes(self._process.readAllStandardError().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            self._line(raw.decode("utf-8", "replace").strip())

    def _line(self, line: str) -> None:
        if line.startswith(ERROR_PREFIX):
            self._error = line[len(ERROR_PREFIX):]
        elif line.startswith("{"):
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                return
            if "fraction" in item:
                self.progress.emit(str(item.get("phase", "")), float(item["fraction"]))
            elif "message" in item:
                self.message.emit(str(item["message"]))

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read()
        if self._buffer:
            self._line(self._buffer.decode("utf-8", "replace").strip())
        self._kill_timer.stop()
        process, self._process = self._process, None
        if process is not None:
            process.deleteLater()
        if self._cancelling:
            self.cancelled.emit()
        elif status == QProcess.ExitStatus.NormalExit and code == 0:
            self.succeeded.emit()
        elif self._error:
            self.failed.emit(self._error)
        else:
            self.failed.emit(f"{self.what} stopped unexpectedly (exit code {code})")

    def _error_occurred(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            process, self._process = self._process, None
            process.deleteLater()
            self.failed.emit(f"cannot start {self.what}: {process.errorString()}")

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
