"""Folder locks between real processes: a held output folder refuses a second holder at once, naming the first's
PID, and is free again the moment its holder is killed; a step lock makes another process wait and leaves no file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: the locks do nothing there")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paused_child import PausedChild, another_writer_must_wait  # noqa: E402

from workbench.core.folder_lock import (LOCK_FILE, FolderInUse, folder_step_lock, hold_output_folder,  # noqa: E402
                                        in_use_sentence, refuse_if_held)

HOLDING = """
from pathlib import Path
from workbench.core.folder_lock import hold_output_folder
held = hold_output_folder(Path(sys.argv[1]))
pause()
held.release()
"""

STEPPING = """
from pathlib import Path
from workbench.core.folder_lock import folder_step_lock
with folder_step_lock(Path(sys.argv[1])):
    pause()
"""


def test_a_held_folder_refuses_another_process_at_once_and_a_killed_holder_leaves_no_lock(tmp_path: Path) -> None:
    folder = tmp_path / "t3"
    folder.mkdir()
    with PausedChild(HOLDING, folder) as holder:
        expected = in_use_sentence(folder, holder.pid)
        assert expected == (f"{folder} is being written by another kws run (pid {holder.pid}): wait for it to end, "
                            "or choose another --out.")
        with pytest.raises(FolderInUse) as refused:
            hold_output_folder(folder)
        assert str(refused.value) == expected
        with pytest.raises(FolderInUse, match=f"pid {holder.pid}"):
            refuse_if_held(folder)  # only asked: the holder keeps it
        holder.kill()
    assert (folder / LOCK_FILE).exists()  # what the kill left behind holds nobody
    refuse_if_held(folder)
    with hold_output_folder(folder):
        refuse_if_held(folder)  # this process's own hold is no other run's
        assert (folder / LOCK_FILE).read_text() == f"{os.getpid()}\n"
    assert list(folder.iterdir()) == []  # released: the lock file goes


def test_a_released_folder_is_free_for_the_next_process(tmp_path: Path) -> None:
    with PausedChild(HOLDING, tmp_path) as holder:
        holder.resume()
    assert list(tmp_path.iterdir()) == []
    hold_output_folder(tmp_path).release()


def test_a_step_makes_another_process_wait_and_leaves_nothing_behind(tmp_path: Path) -> None:
    with PausedChild(STEPPING, tmp_path) as stepping:
        assert another_writer_must_wait(tmp_path)
        stepping.resume()
    assert not another_writer_must_wait(tmp_path)
    with folder_step_lock(tmp_path):
        assert another_writer_must_wait(tmp_path)
    assert list(tmp_path.iterdir()) == []
