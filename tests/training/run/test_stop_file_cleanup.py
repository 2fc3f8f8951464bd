"""The stop file's clean-up after a run never hides the run's own error: on a folder turned read-only, unlink fails
even for a file that is not there, and that error used to replace the one naming the file the run could not
write. A real read-only tmpfs (mounting needs root; skipped otherwise)."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from small_disk import make_read_only, mounted_tmpfs  # noqa: E402

from workbench.child_command import STOP_FILE_NAME  # noqa: E402
from workbench.training.run.cancel import CancelToken  # noqa: E402


def test_no_stop_file_on_a_read_only_folder_is_nothing_to_do(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "run", "64k") as out:
        make_read_only(out)
        token = CancelToken(stop_file=out / STOP_FILE_NAME)
        token.clear_stop_file()
        token.clear_stop_file(after_run=True)


def test_a_stop_file_that_cannot_be_removed_raises_before_a_run_and_not_after_it(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "run", "64k") as out:
        (out / STOP_FILE_NAME).touch()
        make_read_only(out)
        token = CancelToken(stop_file=out / STOP_FILE_NAME)
        with pytest.raises(OSError) as raised:
            token.clear_stop_file()  # before a run: the run's own check then says what is wrong
        assert raised.value.errno == errno.EROFS
        token.clear_stop_file(after_run=True)  # in the finally: the run's error stands
