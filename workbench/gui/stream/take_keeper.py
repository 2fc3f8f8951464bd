"""A recorded take is never lost: it is saved, or kept until the user saves it elsewhere or discards it.

Saving can fail (a folder on an unplugged drive, no permission, a full disk). Then the samples stay
here, the user gets one clear message with "Save as…" and "Discard", and closing the window still
tries the default recordings folder before anything is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from workbench.core.errors import WorkbenchError
from workbench.core.live_session import save_recording

WAV_FILTER = "WAV audio (*.wav)"


@dataclass(frozen=True)
class Take:
    samples: np.ndarray  # int16 mono
    sample_rate: int

    @property
    def seconds(self) -> float:
        return self.samples.size / self.sample_rate


class TakeKeeper(QObject):
    """Saves takes atomically; holds the one that could not be saved (``unsaved``)."""

    saved = Signal(str)  # a one-line notice: where and how long
    failed = Signal(str)  # a one-line error

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.unsaved: Take | None = None
        self.message_box: QMessageBox | None = None

    def save(self, take: Take, path: Path) -> bool:
        """Write ``take`` to ``path`` (folders made); on failure keep it and offer Save as…/Discard."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_recording(take.samples, path, take.sample_rate)
        except (OSError, WorkbenchError) as exc:
            self.unsaved = take
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            message = (f"Could not save the {take.seconds:.1f} s recording to {path}: {reason}. "
                       "The take is kept: save it elsewhere or discard it.")
            self.failed.emit(message)
            self._offer(message)
            return False
        if self.unsaved is take:
            self.unsaved = None
        self.saved.emit(f"saved {path} ({take.seconds:.1f} s)")
        return True

    def save_unsaved_as(self, path: Path | str | None = None) -> bool:
        """Save the kept take to ``path`` (asked with a file dialog when None)."""
        if self.unsaved is None:
            return False
        if path is None:
            path = self._ask_path()
            if not path:
                return False
        return self.save(self.unsaved, Path(path))

    def discard_unsaved(self) -> None:
        self.unsaved = None

    def rescue(self, folder: Path, name: str) -> Path | None:
        """Last chance before the window closes: save the kept take as ``folder/name``."""
        if self.unsaved is None:
            return None
        path = folder / name
        box, self.message_box = self.message_box, None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_recording(self.unsaved.samples, path, self.unsaved.sample_rate)
        except (OSError, WorkbenchError):
            return None
        finally:
            if box is not None:
                box.close()
        self.unsaved = None
        return path

    def _ask_path(self) -> str:
        """The save dialog (a method so tests can answer it)."""
        path, _ = QFileDialog.getSaveFileName(self._parent, "Save the recording", "take.wav", WAV_FILTER)
        return path

    def _offer(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "KWS Workbench", message, QMessageBox.StandardButton.NoButton,
                          self._parent)
        save_as = box.addButton("Save as…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.save_unsaved_as() if button is save_as
                                  else self.discard_unsaved())
        box.open()  # not modal to the stream: live views keep running
        self.message_box = box
