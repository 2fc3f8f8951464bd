"""A held output folder is known by its identity: deleted, moved, replaced by another folder at its path, or robbed of
its lock file, it is "gone" -- and a write under the hold neither goes into whatever is at the path now nor makes
the folder again; nor does releasing the hold remove a lock file that is no longer its own.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from workbench.core.atomic_write import atomic_write_text
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import LOCK_FILE, FolderGone, gone_sentence, hold_output_folder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: no lock file to check there")


def _replace(folder: Path) -> None:
    """Someone deletes the folder and makes another at its path (another run's, with its own lock file)."""
    shutil.rmtree(folder)
    folder.mkdir()
    (folder / LOCK_FILE).write_text("999999\n")
    (folder / "theirs.txt").write_text("not the run's")


@pytest.mark.parametrize("change", ["deleted", "moved", "replaced", "lock file removed"])
def test_a_folder_no_longer_the_one_held_is_gone_in_one_sentence(tmp_path: Path, change: str) -> None:
    folder = tmp_path / "t3"
    folder.mkdir()
    with hold_output_folder(folder) as hold:
        hold.check()  # still the one held
        if change == "deleted":
            shutil.rmtree(folder)
        elif change == "moved":
            folder.rename(tmp_path / "elsewhere")
        elif change == "replaced":
            _replace(folder)
        else:
            (folder / LOCK_FILE).unlink()
        with pytest.raises(FolderGone) as gone:
            hold.check()
    assert str(gone.value) == gone_sentence(folder) == (
        f"The output folder {folder} was deleted or moved while the run went on: nothing more is written.")


def test_a_write_under_the_hold_goes_nowhere_once_the_folder_was_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "t3"
    folder.mkdir()
    hold = hold_output_folder(folder)
    with hold.guarding():
        atomic_write_text(folder / "run.json", "{}")
    _replace(folder)
    with pytest.raises(FolderGone):
        with hold.guarding():
            atomic_write_text(folder / "summary.json", "{}")
    hold.release()
    # the other run's folder as it was: nothing written into it, its lock file not taken for this hold's
    assert sorted(p.name for p in folder.iterdir()) == sorted([LOCK_FILE, "theirs.txt"])
    assert (folder / LOCK_FILE).read_text() == "999999\n"


def test_a_write_that_fails_because_the_folder_went_meanwhile_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "t3"
    folder.mkdir()
    with hold_output_folder(folder) as hold:
        with pytest.raises(FolderGone):  # not "Cannot write ...: the folder ... does not exist."
            with hold.guarding():
                shutil.rmtree(folder)
                atomic_write_text(folder / "summary.json", "{}")
    assert not folder.exists()


def test_folders_inside_are_made_but_never_the_held_folder_again(tmp_path: Path) -> None:
    folder = tmp_path / "t3"
    folder.mkdir()
    with hold_output_folder(folder) as hold:
        inside = hold.make_folder(folder / "train" / "member-1" / "checkpoints")
        assert inside.is_dir()
        shutil.rmtree(folder)
        with pytest.raises(FolderGone):
            hold.make_folder(folder / "eval")
    assert not folder.exists()


def test_a_file_in_the_way_inside_is_a_sentence_naming_the_folder(tmp_path: Path) -> None:
    (tmp_path / "train").write_text("a file")
    with hold_output_folder(tmp_path) as hold:
        with pytest.raises(WorkbenchError) as refused:
            hold.make_folder(tmp_path / "train" / "checkpoints", "the checkpoint folder")
    assert str(refused.value) == (f"Cannot create the checkpoint folder {tmp_path / 'train' / 'checkpoints'}: a file "
                                  "is in the way (that name, or one above it, is a file).")
