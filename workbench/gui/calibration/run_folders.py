"""The calibration's temporary run folders: each named for the process that owns it, and those whose process
has ended cleared away.

Why: every run writes into a private folder of the temp dir, which the workspace deletes when the run fails,
is cancelled, is replaced by the next one or the window closes -- but a window that is killed (kill -9, a
crash, a power cut) leaves it there for good, scores and all. The owner's process id in the name lets the next
workspace tell those orphans from the folders of a workbench still running (another window, another user).
No Qt here: this is file and process bookkeeping only.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from workbench.core.errors import WorkbenchError, temp_folder_problem
from workbench.core.stale_temps import process_alive

PREFIX = "kws-calibration-"
# PREFIX, the owner's pid, "-", then mkdtemp's random letters (which hold no "-": a name from before the pid was
# there never matches)
OWNED_NAME = re.compile(rf"{re.escape(PREFIX)}([1-9][0-9]*)-")


def new_run_folder(temp_dir: Path | None = None) -> Path:
    """A new private folder for one run in ``temp_dir`` (default: the system's), named for this process;
    WorkbenchError saying where and why when it cannot be made (a full disk, a read-only temp dir)."""
    try:
        return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=temp_dir))
    except OSError as exc:
        raise WorkbenchError(temp_folder_problem("the calibration", temp_dir, exc)) from None



def owner_of(name: str) -> int | None:
    """The process id in a run folder's ``name``; None for any other name (left alone)."""
    match = OWNED_NAME.match(name)
    return int(match.group(1)) if match else None


def remove_orphaned_run_folders(temp_dir: Path | None = None) -> list[Path]:
    """Delete the run folders in ``temp_dir`` (default: the system's) whose owning process has ended; the
    folders removed. A folder of a process still running (this one, another workbench), a name without a
    process id, a file and a symbolic link are left alone."""
    folder = Path(tempfile.gettempdir() if temp_dir is None else temp_dir)
    removed: list[Path] = []
    for entry in sorted(folder.glob(f"{PREFIX}*")):
        pid = owner_of(entry.name)
        if pid is None or entry.is_symlink() or not entry.is_dir() or process_alive(pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)  # one that cannot go now is tried again next time
        if not entry.exists():
            removed.append(entry)
    return removed
