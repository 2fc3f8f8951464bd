"""The workbench makes its own recordings folder when it is missing, never one the user chose: a chosen folder that
is gone (moved, its drive not mounted) says so, and only the folders the workbench names inside one are made."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.recording.recordings_folder import RecordingsFolder, RecordingsFolderMissing


def test_the_workbench_default_is_made_with_its_word_folder(tmp_path: Path) -> None:
    default = RecordingsFolder.workbench_default(tmp_path / "data" / "recordings")
    default.make(default.path / "yes")
    assert (tmp_path / "data" / "recordings" / "yes").is_dir()


def test_a_chosen_folder_that_is_gone_is_not_made_again(tmp_path: Path) -> None:
    mount_point = tmp_path / "media" / "usb"  # what an unmounted drive leaves
    mount_point.mkdir(parents=True)
    chosen = RecordingsFolder.user_chosen(mount_point / "takes")
    with pytest.raises(RecordingsFolderMissing) as missing:
        chosen.make(chosen.path / "yes")
    assert str(missing.value) == (f"the recordings folder {mount_point / 'takes'} is missing "
                                  "(moved, or its drive is not mounted)")
    assert list(mount_point.iterdir()) == []


def test_the_folders_inside_a_chosen_folder_that_is_there_are_made(tmp_path: Path) -> None:
    chosen = RecordingsFolder.user_chosen(tmp_path / "takes")
    chosen.path.mkdir()
    chosen.make(chosen.path / "yes" / "ada")
    chosen.make(chosen.path / "yes")  # there already: nothing to do
    assert (tmp_path / "takes" / "yes" / "ada").is_dir()


def test_a_file_in_place_of_a_chosen_folder_is_no_missing_folder(tmp_path: Path) -> None:
    """The disk's own error says what stands there: it is not a folder that was moved away."""
    chosen = RecordingsFolder.user_chosen(tmp_path / "takes")
    chosen.path.write_text("a file where the folder should be")
    with pytest.raises(OSError):
        chosen.make(chosen.path / "yes")


def test_a_folder_outside_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        RecordingsFolder.workbench_default(tmp_path / "recordings").make(tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()
