"""The timer of the window's retry after its microphone vanished, which says when the retry begins and ends.

Why a module of its own: while the session controller retries the microphone, the Source panel must say so (the input
that disappeared comes back on its own; Stop ends the wait) rather than that the default input is used now. The
controller starts and stops the retry from several places (a stream error, Stop, another source, another model, the
input back); a timer that reports its own start and stop keeps them all told, without a signal to emit beside each.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal


class DeviceRetryTimer(QTimer):
    """A repeating QTimer whose ``active_changed(bool)`` tells when it starts (True) and stops (False)."""

    active_changed = Signal(bool)

    def __init__(self, parent: QObject, interval_ms: int) -> None:
        super().__init__(parent, interval=interval_ms)

    def start(self, *interval_ms: int) -> None:
        """Start (again; optionally with a new interval), telling ``active_changed`` if it was stopped."""
        was_active = self.isActive()
        super().start(*interval_ms)
        if not was_active:
            self.active_changed.emit(True)

    def stop(self) -> None:
        """Stop, telling ``active_changed`` if it ran."""
        was_active = self.isActive()
        super().stop()
        if was_active:
            self.active_changed.emit(False)
