"""A file written under a free name: never over another file, and two writers of one name at once (two real
processes, one stopped just as it puts its file under the name) end with two files, each whole."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paused_child import PAUSING_AT_FIRST_NAMING, PausedChild  # noqa: E402

from workbench.core.errors import WorkbenchError  # noqa: E402
from workbench.core.atomic_write import numbered_names, write_new_file  # noqa: E402

# writes argv[2] under the first free name of argv[1], stopped once, when it first puts a file under a name
WRITING = PAUSING_AT_FIRST_NAMING + """
from pathlib import Path
from workbench.core.atomic_write import numbered_names, write_new_file

pause_at_first_naming()
write_new_file(numbered_names(Path(sys.argv[1])), sys.argv[2].encode())
"""


def test_names_are_numbered_and_a_taken_name_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "take.wav").write_bytes(b"theirs")
    (tmp_path / "take-3.wav").write_bytes(b"theirs too")
    written = [write_new_file(numbered_names(tmp_path / "take.wav"), data) for data in (b"a", b"b")]
    assert written == [(tmp_path / "take-2.wav", 1), (tmp_path / "take-4.wav", 3)]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "take.wav": b"theirs", "take-2.wav": b"a", "take-3.wav": b"theirs too", "take-4.wav": b"b"}


def test_a_missing_folder_is_one_sentence_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match=r"^Cannot write .*gone.take\.wav: No such file or directory\.$"):
        write_new_file(numbered_names(tmp_path / "gone" / "take.wav"), b"a")
    assert list(tmp_path.iterdir()) == []


def test_two_writers_of_one_name_at_once_get_two_names(tmp_path: Path) -> None:
    wanted = tmp_path / "recovered-20250102-134501.wav"
    with PausedChild(WRITING, wanted, "first") as first:  # its file is whole, about to take a name
        assert write_new_file(numbered_names(wanted), b"second") == (wanted, 0)
        first.resume()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        wanted.name: b"second", "recovered-20250102-134501-2.wav": b"first"}
