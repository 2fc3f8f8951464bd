"""The folder takes are saved in, and whether the workbench may make it when it is missing.

Why: a recordings folder the user chose can vanish -- moved, renamed, or on a drive that is not mounted now. Making
it again at its old path puts the takes where the user will never look (on an unmounted drive: inside the mount
point, on the system disk) and still says "saved". So only the workbench's own default folder (in the user data
folder) is made when it is missing; a chosen one that is missing fails the save with a sentence that says so, and
the caller keeps the take as after any failed save. The folders the workbench names inside an existing recordings
folder (a keyword's, in the dataset layout) are still made.

Whoever picks the folder says which kind it is (:meth:`RecordingsFolder.workbench_default`,
:meth:`RecordingsFolder.user_chosen`), once, so no writer has to guess by comparing paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core.errors import WorkbenchError

MISSING_BECAUSE = "moved, or its drive is not mounted"


class RecordingsFolderMissing(WorkbenchError):
    """A recordings folder the user chose is not there, and is not made again."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"the recordings folder {folder} is missing ({MISSING_BECAUSE})")
        self.folder = folder


@dataclass(frozen=True)
class RecordingsFolder:
    """Where takes go; ``may_create`` only for the workbench's own default folder."""

    path: Path
    may_create: bool

    @classmethod
    def workbench_default(cls, path: Path) -> RecordingsFolder:
        """The folder the workbench chose itself: made whenever it is missing."""
        return cls(Path(path), may_create=True)

    @classmethod
    def user_chosen(cls, path: Path) -> RecordingsFolder:
        """A folder the user chose (a dialog, or the settings remembering one): never made again."""
        return cls(Path(path), may_create=False)

    def make(self, folder: Path) -> None:
        """Make ``folder`` -- this recordings folder or one inside it -- ready to be written into.

        The recordings folder itself is made only when it may be: RecordingsFolderMissing otherwise. The folders
        inside it are made one level at a time, never with their parents, so a folder that vanishes meanwhile is
        not made again either. OSError when the disk refuses; ValueError when ``folder`` is not inside."""
        inside = Path(folder).relative_to(self.path)
        if self.may_create:
            Path(folder).mkdir(parents=True, exist_ok=True)
            return
        if not self.path.exists():  # a file in its place is no "missing": the mkdir below says what is there
            raise RecordingsFolderMissing(self.path)
        made = self.path
        for part in inside.parts:
            made = made / part
            made.mkdir(exist_ok=True)
