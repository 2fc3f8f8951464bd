"""Hot-plug: the serial ports and J-Link debuggers, re-listed every second off the GUI thread.

Why a thread: ``list_ports.comports()`` is cheap on Linux (a sysfs scan) but can take a noticeable time on
Windows and macOS; polling it on the GUI thread would stutter the live views. Only changes are
reported, so the pickers are rebuilt only when something was plugged in or out.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QThread, Signal

from workbench.board.ports import SerialPortInfo, list_serial_ports

POLL_MS = 1000
SLICE_MS = 50  # how often the sleeping watcher checks for stop


class PortWatcher(QThread):
    """Emits ``ports_changed(list[SerialPortInfo])`` at start and whenever the list changes."""

    ports_changed = Signal(object)

    def __init__(self, parent: Any = None, lister: Callable[[], list[SerialPortInfo]] = list_serial_ports,
                 interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._lister = lister
        self._interval_ms = interval_ms
        self._stop = False
        self.last: list[SerialPortInfo] | None = None

    def stop(self) -> None:
        self._stop = True
        self.wait()

    def run(self) -> None:
        while not self._stop:
            try:
                ports = self._lister()
            except OSError:
                ports = []
            if ports != self.last:
                self.last = ports
                self.ports_changed.emit(ports)
            waited = 0
            while waited < self._interval_ms and not self._stop:
                self.msleep(SLICE_MS)
                waited += SLICE_MS
