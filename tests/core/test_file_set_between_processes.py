"""Two processes writing the same file set at once (two ``kws stream make --out same.wav``): each set lands whole,
the last writer's completely, never the WAV and JSON of one beside the CSV of the other.

The first writer is a real :func:`write_file_set` in a second process, stopped between its first rename and the
rest; while it is stopped, a writer of the folder must wait, and the second writer's set lands after the first.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paused_child import PausedChild, another_writer_must_wait, finish_child, running_child  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: sets are not guarded there")

NAMES = ("same.wav", "same.json", "same.csv")
STALE = "same.png"  # a member of the set neither writer writes (a plot skipped): removed in the same step
# write_file_set of NAMES in argv[1], each holding argv[2]; with argv[3] "pause", stopped after its first rename
WRITER = f"""
import os
from pathlib import Path
from workbench.core.file_set import write_file_set

folder, tag = Path(sys.argv[1]), sys.argv[2].encode()
renamed = os.replace

def rename_then_pause(source, target):
    renamed(source, target)
    os.replace = renamed
    pause()

if sys.argv[3:] == ["pause"]:
    os.replace = rename_then_pause
write_file_set({{folder / name: tag for name in {NAMES!r}}}, stale=[folder / {STALE!r}])
"""


def test_a_set_written_while_another_is_renamed_lands_after_it_whole(tmp_path: Path) -> None:
    for name in NAMES:
        (tmp_path / name).write_bytes(b"old")
    (tmp_path / STALE).write_bytes(b"an older run's plot")
    with PausedChild(WRITER, tmp_path, "first", "pause") as first:
        assert [(tmp_path / name).read_bytes() for name in NAMES] == [b"first", b"old", b"old"]  # mid-step
        assert another_writer_must_wait(tmp_path)
        with running_child(WRITER, tmp_path, "second") as second:  # its renames wait for the first's
            first.resume()
            finish_child(second)
    assert {(tmp_path / name).read_bytes() for name in NAMES} == {b"second"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NAMES)  # no temporary file left, the stale one gone
