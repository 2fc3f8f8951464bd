"""write_file_set(): files that belong together are replaced all at once or not at all, Ctrl+C included."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from workbench.core.errors import WorkbenchError
from workbench.core.file_set import WrittenInto, signals_held, write_file_set


def old_set(folder: Path) -> dict[str, bytes]:
    files = {"a.wav": b"old audio", "a.json": b"old labels", "a.csv": b"old table"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_the_whole_set_is_replaced_and_stale_files_go(tmp_path: Path) -> None:
    old_set(tmp_path)
    (tmp_path / "old-plot.png").write_bytes(b"another run's plot")
    (tmp_path / "mine.txt").write_bytes(b"the user's own")
    written = write_file_set({tmp_path / "a.wav": b"new audio", tmp_path / "a.json": lambda: b"new labels",
                              tmp_path / "a.csv": b"new table"},
                             stale=[tmp_path / "old-plot.png", tmp_path / "a.json", tmp_path / "gone.png"])
    assert written == [tmp_path / "a.wav", tmp_path / "a.json", tmp_path / "a.csv"]
    assert contents(tmp_path) == {"a.csv": b"new table", "a.json": b"new labels", "a.wav": b"new audio",
                                  "mine.txt": b"the user's own"}


def test_new_files_get_the_usual_mode_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_bytes(b"old")
    os.chmod(tmp_path / "kept.txt", 0o600)
    umask = os.umask(0o022)
    try:
        write_file_set({tmp_path / "new.txt": b"x", tmp_path / "kept.txt": b"y"})
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "kept.txt").stat().st_mode & 0o777 == 0o600


def test_one_file_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    before = old_set(tmp_path)
    (tmp_path / "a.csv").unlink()
    (tmp_path / "a.csv").mkdir()  # the last file of the set cannot be written
    del before["a.csv"]
    with pytest.raises(WorkbenchError, match=r"Cannot write .*a\.csv: it is a folder"):
        write_file_set({tmp_path / "a.wav": b"new audio", tmp_path / "a.json": b"new labels",
                        tmp_path / "a.csv": b"new table"}, stale=[tmp_path / "a.json"])
    assert contents(tmp_path) == before  # no new WAV beside old labels, and no temporary file left


def test_ctrl_c_while_the_files_are_made_changes_nothing(tmp_path: Path) -> None:
    before = old_set(tmp_path)

    def interrupted() -> bytes:
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl+C, while the second file is being made
        return b"never written"

    with pytest.raises(KeyboardInterrupt):
        write_file_set({tmp_path / "a.wav": b"new audio", tmp_path / "a.json": interrupted,
                        tmp_path / "a.csv": b"new table"})
    assert contents(tmp_path) == before


def test_signals_are_held_back_until_the_block_ends() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt):
        with signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("the block went on")
    assert done == ["the block went on"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_file_written_in_pieces_joins_the_set_and_a_failure_midway_changes_nothing(tmp_path: Path) -> None:
    old = old_set(tmp_path)

    def blocks(handle) -> None:
        for block in (b"new ", b"audio"):
            handle.write(block)

    def fails_midway(handle) -> None:
        handle.write(b"half of the ")
        raise OSError(28, "No space left on device")

    with pytest.raises(WorkbenchError, match=r"Cannot write .*a.wav: No space left on device"):
        write_file_set({tmp_path / "a.json": b"new labels", tmp_path / "a.wav": WrittenInto(fails_midway)})
    assert contents(tmp_path) == old  # no target changed, no temporary file left
    write_file_set({tmp_path / "a.wav": WrittenInto(blocks), tmp_path / "a.json": b"new labels"})
    assert contents(tmp_path) == {**old, "a.wav": b"new audio", "a.json": b"new labels"}


def test_a_folder_made_for_a_write_that_failed_goes_and_one_that_was_there_stays(tmp_path: Path) -> None:
    from workbench.core.file_set import folder_kept_only_if_written

    new, there = tmp_path / "new", tmp_path / "there"
    there.mkdir()
    for folder in (new, there):
        with pytest.raises(WorkbenchError), folder_kept_only_if_written(folder):
            folder.mkdir(exist_ok=True)
            raise WorkbenchError("the disk is full")
    assert not new.exists() and there.is_dir()
    with pytest.raises(WorkbenchError), folder_kept_only_if_written(new):
        new.mkdir()
        (new / "kept.txt").write_text("not empty: never removed")
        raise WorkbenchError("a later file failed")
    assert (new / "kept.txt").is_file()
