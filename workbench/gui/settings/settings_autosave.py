"""Write a choice into the settings file shortly after it is made, not only when the window closes.

Why: a window that is killed (SIGKILL, a crash, a power cut) never reaches its close, and whatever was only
written there -- the tuned detection values, the Training form -- was lost. Why debounced: a slider drag
changes a value a hundred times a second; one write a moment after the last change keeps the choice without
rewriting the file at every step. Why silent: a file that cannot be written (a full disk) must not pop up a
box at every change; the window's close says it once (``AppSettings.sync_problem``), as before.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

SAVE_DELAY_MS = 1000  # after the last change: a drag ends, then one write


class SettingsAutosave(QObject):
    """One owner's debounced write: :meth:`schedule` on each change, ``save`` then the file's sync after the last.

    ``save`` puts the owner's values into ``settings`` (``setValue``); ``settings`` None: nothing is written (a
    workspace shown without the window's settings).
    """

    saved = Signal()  # after each write and sync (tests count the writes)

    def __init__(self, save: Callable[[], None], settings: QSettings | None, parent: QObject,
                 delay_ms: int = SAVE_DELAY_MS) -> None:
        super().__init__(parent)
        self._save = save
        self._settings = settings
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self.flush)

    @property
    def pending(self) -> bool:
        """Whether a change waits for its write."""
        return self._timer.isActive()

    def schedule(self, *_changed: object) -> None:
        """A value changed (any signal's arguments are ignored): write ``delay_ms`` after the last such call."""
        if self._settings is not None:
            self._timer.start()

    def cancel(self) -> None:
        """Forget a pending write (its owner writes now another way, e.g. the window's close)."""
        self._timer.stop()

    def flush(self) -> None:
        """Write now, pending or not (at exit), and sync the file; a failed write is left to the close to say."""
        self._timer.stop()
        if self._settings is None:
            return
        self._save()
        self._settings.sync()
        self.saved.emit()
