"""A recorded take is never lost: it is saved, or kept until the user saves it elsewhere or discards it.

Saving can fail (a folder on an unplugged drive, no permission, a full disk). Then the samples stay
here -- every one of them, not just the last: a guided session can fail on several takes before the
user answers -- and the user gets ONE message box (updated, never stacked) with "Save as…" and
"Discard" acting on all the kept takes. Closing the window (or the guided dialog) still tries the
default recordings folder before anything is dropped.

A recordings folder the user chose that is missing (moved, its drive not mounted) is such a failure too: it is
never made again at its old path (:mod:`~workbench.core.recording.recordings_folder`), only the folders the workbench
names inside it are.

Memory alone does not outlive a crash, so a kept take is also written to a spool on disk
(:mod:`~workbench.core.recording.recording_spool`, as a recording being made is) until it is saved or
discarded: if the workbench dies first, the next start turns it into a WAV in the recordings folder. A take
that comes with its recording's copy (``Take.spool``) keeps that one: the copy goes once the take is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from workbench.core.audio.audio_file import save_new_wav
from workbench.core.recording.recording_spool import RecordingSpool, default_spool_folder
from workbench.core.recording.recordings_folder import RecordingsFolder
from workbench.core.errors import WorkbenchError
from workbench.core.live_session import save_recording
from workbench.core.wording import counted

WAV_FILTER = "WAV audio (*.wav)"
RESCUE_PREFIX = "unsaved-"  # a rescued take's name: unsaved-<the name it was meant to have>


@dataclass(frozen=True)
class Take:
    samples: np.ndarray  # int16 mono
    sample_rate: int
    spool: RecordingSpool | None = field(default=None, compare=False)  # its recording's copy on disk, if any

    @property
    def seconds(self) -> float:
        return self.samples.size / self.sample_rate


@dataclass(frozen=True)
class _Kept:
    """A take that could not be saved, where it was meant to go (its name is reused elsewhere), and its copy on
    disk (None when none could be written either)."""

    take: Take
    wanted: Path
    spool: RecordingSpool | None


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).rstrip(".")


def _write(take: Take, path: Path, into: RecordingsFolder | None, keep_existing: bool = False) -> Path:
    """``path``'s folders made as ``into`` allows (none without it: the folder must be there); returns the file
    written. ``keep_existing``: a file at ``path`` stays, and the take goes to ``name-2.wav``…"""
    if into is not None:
        into.make(path.parent)
    if keep_existing:
        return save_new_wav(path, take.samples, take.sample_rate)
    save_recording(take.samples, path, take.sample_rate)
    return path


class TakeKeeper(QObject):
    """Saves takes atomically; keeps every take that could not be saved (``unsaved``, oldest first)."""

    saved = Signal(str)  # a one-line notice: where and how long
    failed = Signal(str)  # a one-line error

    def __init__(self, parent: QWidget, spool_folder: Path | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._kept: list[_Kept] = []
        self._spool_folder = spool_folder  # where kept takes are copied (None: the user's default spool folder)
        self.message_box: QMessageBox | None = None

    @property
    def unsaved(self) -> list[Take]:
        """The takes waiting to be saved elsewhere or discarded (a copy of the list)."""
        return [kept.take for kept in self._kept]

    def save(self, take: Take, path: Path, into: RecordingsFolder | None = None,
             keep_existing: bool = False) -> Path | None:
        """Write ``take`` to ``path``, then remove its copy on disk; the file written, or None when it failed: then
        the take (and its copy) is kept and Save as…/Discard offered. ``into`` is the recordings folder ``path`` lies
        in: the folders between them are made, it itself only when it may be. None: ``path``'s folder must exist (a
        file the user just chose). ``keep_existing``: never over a file (``name-2.wav``… when ``path`` is taken,
        even by another window saving at the same moment)."""
        try:
            written = _write(take, path, into, keep_existing)
        except (OSError, WorkbenchError) as exc:
            if all(kept.take is not take for kept in self._kept):
                self._kept.append(_Kept(take, path, self._spool(take)))
            self._fail(f"Could not save the {take.seconds:.1f} s recording to {path}: {_reason(exc)}.")
            return None
        self._forget(take)
        if take.spool is not None:
            take.spool.remove()
        self.saved.emit(f"saved {written} ({take.seconds:.1f} s)")
        return written

    def save_unsaved_as(self, path: Path | str | None = None) -> bool:
        """Save the kept takes: one take to the file ``path``; several into the folder ``path``, each
        under the name (and word folder) it was meant to have. Asked with a dialog when None."""
        if not self._kept:
            return False
        if path is None:
            path = self._ask_path(len(self._kept))
            if not path:
                return False
        target = Path(path)
        if len(self._kept) == 1:
            return self.save(self._kept[0].take, target) is not None
        chosen = RecordingsFolder.user_chosen(target)  # its word folders are made, never the folder itself
        for kept in list(self._kept):
            wanted = target / kept.wanted.parent.name / kept.wanted.name
            if self.save(kept.take, wanted, chosen, keep_existing=True) is None:
                return False
        return True

    def discard_unsaved(self) -> None:
        for kept in self._kept:
            if kept.spool is not None:
                kept.spool.remove()
        self._kept.clear()

    def adopt(self, other: TakeKeeper) -> None:
        """Take over ``other``'s kept takes (a closing dialog hands them to the window's keeper)."""
        if not other._kept:
            return
        self._kept.extend(other._kept)  # their spools with them
        other._kept = []
        other._close_box()
        count = len(self._kept)
        self._fail(f"{counted(count, 'recording')} could not be saved.")

    def rescue(self, folder: Path) -> list[Path]:
        """Last chance before the window closes: save every kept take into ``folder``, the workbench's default
        recordings folder (so made when missing), as ``unsaved-<meant name>``; returns the files written (a take
        that still fails stays kept)."""
        written: list[Path] = []
        own = RecordingsFolder.workbench_default(folder)
        for kept in list(self._kept):
            try:
                path = _write(kept.take, folder / f"{RESCUE_PREFIX}{kept.wanted.name}", own, keep_existing=True)
            except (OSError, WorkbenchError):
                continue
            self._forget(kept.take)
            written.append(path)
        if written:
            self.saved.emit(f"saved {counted(len(written), 'unsaved recording')} in {folder}")
        if not self._kept:
            self._close_box()
        return written

    def _spool(self, take: Take) -> RecordingSpool | None:
        """A copy of ``take`` on disk until it is saved or discarded (its recording's, when it came with one);
        None when it cannot be written either (the take is still kept in memory)."""
        if take.spool is not None:
            return take.spool
        folder = default_spool_folder() if self._spool_folder is None else self._spool_folder
        try:
            spool = RecordingSpool.create(folder, take.sample_rate)
        except OSError:
            return None
        spool.append(take.samples)
        spool.finish()
        return spool

    def _forget(self, take: Take) -> None:
        for kept in self._kept:
            if kept.take is take and kept.spool is not None:
                kept.spool.remove()
        self._kept = [kept for kept in self._kept if kept.take is not take]
        if not self._kept:
            self._close_box()

    def _fail(self, what: str) -> None:
        """One message for all the kept takes: the open box is updated rather than another one stacked."""
        count = len(self._kept)
        kept = "The take is kept: save it" if count == 1 else f"All {count} unsaved takes are kept: save them"
        message = f"{what} {kept} elsewhere or discard {'it' if count == 1 else 'them'}."
        self.failed.emit(message)
        if self.message_box is not None and self.message_box.isVisible():
            self.message_box.setText(message)
        else:
            self._offer(message)

    def _close_box(self) -> None:
        box, self.message_box = self.message_box, None
        if box is not None:  # close() is refused by a box without an Escape button
            box.hide()
            box.deleteLater()

    def _ask_path(self, count: int) -> str:
        """The save dialog: a file for one take, a folder for several (a method so tests can answer it)."""
        if count > 1:
            return QFileDialog.getExistingDirectory(self._parent, f"Folder for the {count} recordings")
        path, _ = QFileDialog.getSaveFileName(self._parent, "Save the recording", "take.wav", WAV_FILTER)
        return path

    def _on_button(self, save_as: bool) -> None:
        self.message_box = None  # the box closes itself after a click
        if not save_as:
            self.discard_unsaved()
        elif not self.save_unsaved_as() and self._kept and self.message_box is None:
            count = len(self._kept)  # the dialog was cancelled: the takes are still here, so is the box
            self._fail(f"{counted(count, 'recording')} not saved yet.")

    def _offer(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "KWS Workbench", message, QMessageBox.StandardButton.NoButton,
                          self._parent)
        save_as = box.addButton("Save as…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._on_button(button is save_as))
        box.open()  # not modal to the stream: live views keep running
        self.message_box = box
