"""atomic_write on a real file system: success, and failures that leave the target untouched."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.core.atomic_write import atomic_write_bytes, atomic_write_text, check_destination
from workbench.core.errors import WorkbenchError

ORIGINAL = b"original contents\n"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_writes_and_replaces(tmp_path) -> None:
    target = tmp_path / "out.bin"
    assert atomic_write_bytes(target, b"one") == target and target.read_bytes() == b"one"
    target.chmod(0o640)
    atomic_write_text(target, "twö")
    assert target.read_text("utf-8") == "twö" and (target.stat().st_mode & 0o777) == 0o640
    assert leftovers(tmp_path) == []


def test_missing_folder_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(WorkbenchError, match="does not exist"):
        atomic_write_bytes(tmp_path / "nope" / "out.bin", b"x")


def test_a_file_in_place_of_the_folder_is_named_as_such(tmp_path) -> None:
    (tmp_path / "notes").write_text("x")
    with pytest.raises(WorkbenchError, match="notes is a file, not a folder"):
        atomic_write_bytes(tmp_path / "notes" / "out.bin", b"x")


def test_a_symbolic_link_keeps_pointing_at_the_replaced_file(tmp_path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "model.tflite"
    real.write_bytes(ORIGINAL)
    link = tmp_path / "model.tflite"
    link.symlink_to(real)
    assert atomic_write_bytes(link, b"new") == link
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "real") == []


def test_devices_and_pipes_are_written_into_not_replaced(tmp_path) -> None:
    atomic_write_bytes("/dev/null", b"discarded")
    assert Path("/dev/null").is_char_device()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    atomic_write_bytes(fifo, b"through the pipe")
    assert reader.communicate(timeout=10)[0] == b"through the pipe"
    assert fifo.is_fifo() and leftovers(tmp_path) == []
    if Path("/dev/full").is_char_device():
        with pytest.raises(WorkbenchError, match="/dev/full"):
            atomic_write_bytes("/dev/full", b"x" * 10_000)
        assert Path("/dev/full").is_char_device()


def test_target_that_is_a_folder_is_refused(tmp_path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(WorkbenchError, match="is a folder"):
        atomic_write_bytes(tmp_path / "dir", b"x")
    assert leftovers(tmp_path) == []


def test_unencodable_text_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(WorkbenchError, match="ascii"):
        atomic_write_text(tmp_path / "t.txt", "ö", encoding="ascii")
    assert not (tmp_path / "t.txt").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write read-only folders")
def test_read_only_folder_leaves_original(tmp_path) -> None:
    target = tmp_path / "keep.bin"
    target.write_bytes(ORIGINAL)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(WorkbenchError, match="Cannot write .*keep.bin"):
            atomic_write_bytes(target, b"new")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_bytes() == ORIGINAL and leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="uses RLIMIT_FSIZE")
def test_write_failing_midway_leaves_original_and_no_temp_file(tmp_path) -> None:
    """A file-size limit makes the write fail part way, as a full disk would (in a child process)."""
    target = tmp_path / "keep.bin"
    target.write_bytes(ORIGINAL)
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        from workbench.core.atomic_write import atomic_write_bytes
        from workbench.core.errors import WorkbenchError
        try:
            atomic_write_bytes({str(target)!r}, b"x" * 100_000)
        except WorkbenchError as exc:
            print(exc)
            sys.exit(3)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.startswith(f"Cannot write {target}: ") and proc.stdout.count("\n") == 1
    assert target.read_bytes() == ORIGINAL and leftovers(tmp_path) == []


def test_check_destination_accepts_what_can_be_written_and_creates_nothing(tmp_path) -> None:
    assert check_destination(tmp_path / "report.json") == tmp_path / "report.json"
    assert check_destination(tmp_path / "new" / "deeper", folder=True) == tmp_path / "new" / "deeper"
    assert check_destination(tmp_path, folder=True) == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # neither the folders nor a probe file are left


@pytest.mark.parametrize(("where", "folder", "expected"), [
    ("a_file/x.bin", False, "Cannot write {tmp}/a_file/x.bin: {tmp}/a_file is a file, not a folder."),
    ("a_file/out", True, "Cannot create the folder {tmp}/a_file/out: {tmp}/a_file is a file, not a folder."),
    ("a_file", True, "Cannot write into {tmp}/a_file: it is a file, not a folder."),
    ("missing/x.bin", False, "Cannot write {tmp}/missing/x.bin: the folder {tmp}/missing does not exist."),
    (".", False, "Cannot write {tmp}: it is a folder."),
])
def test_check_destination_refuses_in_one_sentence(tmp_path, where: str, folder: bool, expected: str) -> None:
    (tmp_path / "a_file").write_bytes(b"x")
    with pytest.raises(WorkbenchError) as info:
        check_destination(tmp_path / where if where != "." else tmp_path, folder=folder)
    assert str(info.value) == expected.format(tmp=tmp_path)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where nobody can create files")
def test_check_destination_probes_instead_of_trusting_permission_bits() -> None:
    """/proc looks writable to root by its bits; only a real probe finds out (so the check holds for root)."""
    with pytest.raises(WorkbenchError, match=r"^Cannot create the folder /proc/kws-out: /proc is not writable \("):
        check_destination("/proc/kws-out", folder=True)
    with pytest.raises(WorkbenchError, match=r"^Cannot write /proc/kws.json: /proc is not writable"):
        check_destination("/proc/kws.json")


@pytest.mark.parametrize("stem", ["m" * 245, "é" * 122 + "x"])  # names of 250 and 249 bytes (é: 2 bytes)
def test_a_name_near_the_limit_is_written_and_replaced(tmp_path, stem: str) -> None:
    """A legal name of 250+ bytes: the temporary file's name (14 bytes longer) must still fit the folder's limit."""
    target = tmp_path / (stem[: len(stem) - 2] + ".tflite")
    assert 245 <= len(os.fsencode(target.name)) <= 255
    atomic_write_bytes(target, ORIGINAL)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []
