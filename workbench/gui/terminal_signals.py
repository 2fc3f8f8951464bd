"""Ctrl+C in the terminal and SIGTERM close the window the way its close button does.

Why: Qt's event loop runs in C++, and Python only runs a signal handler when it next gets control, so a
Ctrl+C in the terminal that started ``kws-workbench`` used to print a ``KeyboardInterrupt`` traceback
from whatever Python callback happened to run next and leave the window open; SIGTERM (a logout, a
service manager) killed it without saving anything. Here both ask the window to close -- which stops
the stream and the children, saves the layout, and asks first if a training run would be ended -- and
a light timer hands Python control a few times a second so the request is seen even when idle.
"""

from __future__ import annotations

import signal
from types import FrameType

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

SIGNAL_POLL_MS = 200  # how soon a signal is noticed while nothing else runs Python code
CLOSING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TerminalSignals(QObject):
    """Installs the handlers for ``window``; keep the object alive as long as the window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: None)  # only to let the interpreter run pending handlers
        self._timer.start(SIGNAL_POLL_MS)
        for sig in CLOSING_SIGNALS:
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        QTimer.singleShot(0, self.window.close)
