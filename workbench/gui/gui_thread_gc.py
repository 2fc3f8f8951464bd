"""Python's cyclic garbage collection, run only in the GUI thread.

Why: the collector runs in whichever thread happens to allocate when a generation fills up -- the
engine's worker, a board job, a dataset scan. If the garbage it finds holds a Qt widget (a closed
dialog or window kept in a reference cycle by a lambda slot), the widget is destroyed in that thread:
Qt then deadlocks or crashes (seen here: a board job's thread collected an old window and stalled in
its menu's destructor, waiting for the interpreter lock the GUI thread held while it waited for that
menu's Qt lock). Calibre and other PyQt applications solve this the same way: automatic collection
off, and a GUI timer that collects when Python's own thresholds say it is due, so every collection
happens in the GUI thread. Reference counting (which frees almost everything) is unaffected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

GC_CHECK_MS = 500  # how often the thresholds are checked; a collection is due far less often


class GuiThreadGarbageCollector(QObject):
    """Until :meth:`stop`, cyclic garbage is collected by this GUI-thread timer only (the app keeps one
    for its whole life, as a child of the main window)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = GC_CHECK_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = 0
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect the oldest generation that is due, as Python would have; returns it (-1: none)."""
        counts = gc.get_count()
        due = -1
        for generation, (count, threshold) in enumerate(zip(counts, self.thresholds)):
            if threshold and count > threshold:
                due = generation
        if due >= 0:
            gc.collect(due)
            self.collections += 1
        return due

    def stop(self) -> None:
        """Collect once more here and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

