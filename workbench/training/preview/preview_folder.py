"""Where an augmentation preview goes: ``OUT/augmentation-preview/``, written while the preview holds ``OUT``.

Why hold ``OUT`` (:func:`~workbench.core.folder_lock.hold_output_folder`) and not only write into it: a training run
writing ``OUT`` must not get a preview's files mixed into what it is writing, so a folder a live run holds is refused
with that run's PID, and a ``kws train --out OUT`` started while the preview writes is refused likewise. A folder
with a stopped or finished run is accepted: the preview writes nothing into it but its own subfolder (and the lock
file while it runs), which neither ``--resume`` nor the run's readers look at.

A previous preview there is replaced: the files a preview writes (``<n>_<class>_<clip>.wav`` / ``.png``,
``index.csv`` and ``preview.json``) are removed first, so none of an earlier, longer preview stays beside the new
index (nor the files of one killed before its index), and so are the hidden temporary files of those files' atomic
writes whose process is gone (a preview killed mid-write); any other file in the subfolder is left alone.

Why the preview also removes its own temporary files when it lets go of the folder: Ctrl+C can land between a write's
creating its temporary file and renaming it, and an empty hidden ``.<n>_<class>_<clip>.png.<pid>.<random>.tmp`` was
left that no later write of that name would ever come to remove. When the folder is let go, every write of this
process there has ended, so any such file of its own is one an interrupt cut short.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Collection

from workbench.core.atomic_write import atomic_write_bytes, atomic_write_text, create_folder, remove_stale_temps
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import FolderHold, hold_output_folder, refuse_if_held

PREVIEW_DIR = "augmentation-preview"
INDEX_FILE = "index.csv"
RECORD_FILE = "preview.json"  # what was previewed: spec, --set changes, datasets, seed (see preview_record)
SAMPLE_FILE = re.compile(r"\d+_.+\.(wav|png)")  # a sample's audio or spectrogram, as a preview names them


def preview_file(name: str) -> bool:
    """Whether ``name`` is one a preview writes: a sample's WAV or PNG, the index or the record."""
    return name in (INDEX_FILE, RECORD_FILE) or SAMPLE_FILE.fullmatch(name) is not None


class PreviewFolder:
    """``OUT/augmentation-preview`` and its writers; :meth:`open` holds ``OUT`` until :meth:`release`."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.path = self.out / PREVIEW_DIR
        self._hold = FolderHold()
        self._opened = False

    def check(self) -> None:
        """Refuse now what :meth:`open` would refuse after the scan: ``OUT`` a file, or held by a live run."""
        if self.out.exists() and not self.out.is_dir():
            raise WorkbenchError(f"{self.out} is a file, not an output folder.")
        refuse_if_held(self.out)

    def open(self) -> None:
        """Make and hold ``OUT``, make the subfolder and remove a previous preview's files (module docstring)."""
        self.check()
        create_folder(self.out, "the output folder")
        self._hold = hold_output_folder(self.out)
        self._opened = True
        self._hold.make_folder(self.path, "the preview folder")
        self.keep_only(())
        with self._hold.guarding():
            remove_stale_temps(self.path, preview_file)

    def keep_only(self, samples: Collection[str]) -> None:
        """Remove every file a preview writes but the sample files ``samples``: at the start all of an earlier
        preview's, after an interrupt the half-written sample's (its WAV written, its PNG not)."""
        with self._hold.guarding():
            for old in sorted(self.path.iterdir()):
                if old.is_file() and preview_file(old.name) and old.name not in samples:
                    old.unlink(missing_ok=True)

    def write_bytes(self, name: str, data: bytes) -> Path:
        with self._hold.guarding():
            return atomic_write_bytes(self.path / name, data)

    def write_text(self, name: str, text: str) -> Path:
        with self._hold.guarding():
            return atomic_write_text(self.path / name, text)

    def release(self) -> None:
        """Remove this process's temporary files left in the subfolder (module docstring), then let another run
        write ``OUT`` (safe to call again)."""
        if self._opened:
            self._opened = False
            with contextlib.suppress(WorkbenchError):  # the folder gone: what is at its path now is not ours
                self._hold.check()
                remove_stale_temps(self.path, preview_file, own=True)
        self._hold.release()

    def __enter__(self) -> PreviewFolder:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
