"""Where an augmentation preview goes: ``OUT/augmentation-preview/``, written while the preview holds ``OUT``.

Why hold ``OUT`` (:func:`~workbench.core.folder_lock.hold_output_folder`) and not only write into it: a training run
writing ``OUT`` must not get a preview's files mixed into what it is writing, so a folder a live run holds is refused
with that run's PID, and a ``kws train --out OUT`` started while the preview writes is refused likewise. A folder
with a stopped or finished run is accepted: the preview writes nothing into it but its own subfolder (and the lock
file while it runs), which neither ``--resume`` nor the run's readers look at.

A previous preview there is replaced: the files a preview writes (``<n>_<class>_<clip>.wav`` / ``.png`` and
``index.csv``) are removed first, so none of an earlier, longer preview stays beside the new index (nor the files of
one stopped with Ctrl+C before its index); any other file in the subfolder is left alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.core.atomic_write import atomic_write_bytes, atomic_write_text, create_folder
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import FolderHold, hold_output_folder, refuse_if_held

PREVIEW_DIR = "augmentation-preview"
INDEX_FILE = "index.csv"
PREVIEW_FILE = re.compile(r"\d+_.+\.(wav|png)")  # a sample's audio or spectrogram, as a preview names them


class PreviewFolder:
    """``OUT/augmentation-preview`` and its writers; :meth:`open` holds ``OUT`` until :meth:`release`."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.path = self.out / PREVIEW_DIR
        self._hold = FolderHold()

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
        self._hold.make_folder(self.path, "the preview folder")
        with self._hold.guarding():
            for old in sorted(self.path.iterdir()):
                if old.is_file() and (old.name == INDEX_FILE or PREVIEW_FILE.fullmatch(old.name)):
                    old.unlink(missing_ok=True)

    def write_bytes(self, name: str, data: bytes) -> Path:
        with self._hold.guarding():
            return atomic_write_bytes(self.path / name, data)

    def write_text(self, name: str, text: str) -> Path:
        with self._hold.guarding():
            return atomic_write_text(self.path / name, text)

    def release(self) -> None:
        """Let another run write ``OUT`` (safe to call again)."""
        self._hold.release()

    def __enter__(self) -> PreviewFolder:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
