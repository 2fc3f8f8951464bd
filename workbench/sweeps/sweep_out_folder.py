"""A running sweep's output folder: held for the sweep's life, watched between trials, and the trials' record files
in it.

Why watched: a sweep whose folder was deleted (or moved, or replaced by another folder at its path) went on with
every trial of its budget and said so only at the very end, when its best model could not be copied -- hours of
trials for nothing. The folder is known by its identity from the hold on
(:meth:`~workbench.core.folder_lock.FolderHold.check`), and looked at whenever the driver asks whether to stop, so
the sweep stops before its next trial starts, and then writes no results into whatever is at the path now.
The stop file (``OUT/STOP``: a cancel for callers without signals) is looked for at the same moments.

Ray Tune is the one writer the sweep cannot guard: it saves its experiment state into ``OUT/ray`` making the
folders above it again. What it left at the old path is removed once it has ended (:meth:`remove_made_again`).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

from workbench.child_command import STOP_FILE_NAME
from workbench.core.atomic_write import atomic_write_text
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import FolderGone, FolderHold
from workbench.sweeps.reporting.results import TrialRecord
from workbench.sweeps.sweep_preflight import TRIAL_RECORD_FILE, TRIALS_DIR, hold_out_folder

STOP_FILE_REASON = "stop file {name} found"
GONE_REASON = "the output folder {out} was deleted or moved"


class SweepOutFolder:
    """``out`` of one sweep: :meth:`hold` it first; until then nothing is checked."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.trials_dir = out / TRIALS_DIR
        self._hold = FolderHold()

    @property
    def stop_file(self) -> Path:
        return self.out / STOP_FILE_NAME

    def hold(self) -> FolderHold:
        """Create and hold the folder (:func:`~workbench.sweeps.sweep_preflight.hold_out_folder`); release the hold
        returned when the sweep ends."""
        self._hold = hold_out_folder(self.out)
        return self._hold

    def check(self) -> None:
        """:class:`~workbench.core.folder_lock.FolderGone` when the folder is no longer the one held."""
        self._hold.check()

    def stop_reason(self) -> str | None:
        """Why the sweep should stop now (its cancel's reason): the folder gone, or the stop file; None: neither."""
        try:
            self.check()
        except FolderGone:
            return GONE_REASON.format(out=self.out)
        return STOP_FILE_REASON.format(name=STOP_FILE_NAME) if self.stop_file.exists() else None

    def remove_made_again(self, tune_dir: Path) -> None:
        """When the folder is gone and its path holds nothing but ``tune_dir`` (Ray Tune's experiment folder in it,
        made again by Tune with its parents), remove that and the folder made for it: they are this sweep's own
        files, a half sweep folder at the old path. Anything else there is someone else's, and stays as it is."""
        try:
            self.check()
            return
        except FolderGone:
            pass
        try:
            left = [path.name for path in self.out.iterdir()]
        except OSError:  # nothing at the path (or no folder): nothing was made again
            return
        if left == [tune_dir.name] and tune_dir.parent == self.out:
            shutil.rmtree(tune_dir, ignore_errors=True)
            with contextlib.suppress(OSError):
                self.out.rmdir()  # (only when empty)

    def written_record(self, trial_id: str) -> TrialRecord | None:
        """The record the trial wrote into its folder (None: it wrote none)."""
        try:
            data = json.loads((self.trials_dir / trial_id / TRIAL_RECORD_FILE).read_text(encoding="utf-8"))
            return TrialRecord.from_dict(data)
        except (OSError, ValueError, TypeError):
            return None

    def save_record(self, record: TrialRecord) -> None:
        """``record`` into its trial's record file, best effort (the results hold it anyway); never into a folder
        that is no longer the sweep's."""
        folder = self.trials_dir / record.trial_id
        try:
            with self._hold.guarding():
                if folder.is_dir():
                    atomic_write_text(folder / TRIAL_RECORD_FILE, json.dumps(record.to_dict(), indent=1) + "\n")
        except WorkbenchError:
            pass
