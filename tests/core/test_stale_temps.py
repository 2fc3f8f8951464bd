"""The temporary files of writes killed with SIGKILL are removed by the next write of the same target, and only
theirs: a write still running keeps its file, another target's files are left alone (real processes, real kills)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.core.atomic_write import atomic_write_bytes, stage_beside
from workbench.core.file_set import write_file_set
from workbench.core.stale_temps import remove_dead_temps, remove_temps_of_kind, temp_prefix

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows cannot ask whether a process lives")

STAGING = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from workbench.core.atomic_write import stage_beside
    target = Path(sys.argv[1])
    def slow(handle):
        handle.write(b"half of a stream")
        handle.flush()
        print("staging", flush=True)
        time.sleep(120)
    stage_beside(target, target.parent, slow)
""")


def _stager(target: Path) -> subprocess.Popen[str]:
    """A process staging a write of ``target`` that never finishes (until killed)."""
    process = subprocess.Popen([sys.executable, "-c", STAGING, str(target)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "staging"
    return process


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_killed_writes_temporary_file_goes_with_the_next_write_a_running_ones_stays(tmp_path: Path) -> None:
    target = tmp_path / "stream.wav"
    killed = _stager(target)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    running = _stager(target)
    try:
        other = tmp_path / "other.wav"
        other_killed = _stager(other)
        other_killed.send_signal(signal.SIGKILL)
        other_killed.wait()
        assert len(_temps(tmp_path)) == 3
        write_file_set({target: b"the stream"})
        left = _temps(tmp_path)
        assert any(f".{running.pid}." in name for name in left)  # still being written: kept
        assert not any(f".{killed.pid}." in name for name in left)  # its process is gone: removed
        assert any(f".{other_killed.pid}." in name for name in left)  # another target's: not this write's to judge
        assert target.read_bytes() == b"the stream"
        atomic_write_bytes(other, b"x", clean_stale=True)
        assert not any(f".{other_killed.pid}." in name for name in _temps(tmp_path))
    finally:
        running.kill()
        running.wait()


def test_names_without_a_process_or_of_a_live_one_are_never_removed(tmp_path: Path) -> None:
    (tmp_path / ".model.tflite.abcd1234.tmp").write_bytes(b"")  # an older version's name: no process in it
    (tmp_path / f".model.tflite.{os.getppid()}.abcd1234.tmp").write_bytes(b"")  # a live process
    (tmp_path / ".model.tflite.999999999.abcd1234.tmp").write_bytes(b"")  # no such process
    removed = remove_dead_temps(tmp_path, "model.tflite", ".tmp")
    assert [p.name for p in removed] == [".model.tflite.999999999.abcd1234.tmp"]
    assert len(_temps(tmp_path)) == 2


def test_a_dead_extractions_folder_is_removed_and_the_prefix_names_this_process(tmp_path: Path) -> None:
    dead = tmp_path / ".speech.999999999.x1y2z3w4.partial"
    (dead / "yes").mkdir(parents=True)
    (dead / "yes" / "a.wav").write_bytes(b"RIFF")
    assert remove_dead_temps(tmp_path, "speech", ".partial") == [dead] and not dead.exists()
    assert temp_prefix("speech", tmp_path, ".partial") == f".speech.{os.getpid()}."


def test_a_long_name_still_fits_with_the_process_in_it(tmp_path: Path) -> None:
    name = "m" * 250 + ".h"
    prefix = temp_prefix(name, tmp_path, ".tmp")
    assert len(os.fsencode(prefix)) + 8 + len(".tmp") <= 255 and prefix.endswith(f".{os.getpid()}.")
    atomic_write_bytes(tmp_path / name, b"x", clean_stale=True)
    assert (tmp_path / name).read_bytes() == b"x"


def _numbered(name: str) -> bool:
    """The kind of the next test's targets: numbered samples."""
    return name[:1].isdigit()


def test_temporaries_of_a_kind_go_when_their_process_is_gone_and_this_ones_only_when_asked(tmp_path: Path) -> None:
    killed = _stager(tmp_path / "003_yes_a.png")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    other_killed = _stager(tmp_path / "notes.txt")
    other_killed.send_signal(signal.SIGKILL)
    other_killed.wait()
    running = _stager(tmp_path / "004_no_b.wav")
    try:
        own = Path(stage_beside(tmp_path / "005_no_c.wav", tmp_path, b"cut short"))
        removed = remove_temps_of_kind(tmp_path, ".tmp", _numbered)
        assert len(removed) == 1 and f".{killed.pid}." in removed[0].name and not removed[0].exists()
        left = _temps(tmp_path)
        assert own.name in left and any(f".{running.pid}." in name for name in left)  # alive: kept
        assert any(f".{other_killed.pid}." in name for name in left)  # not of the kind: not this caller's to judge
        assert remove_temps_of_kind(tmp_path, ".tmp", _numbered, own=True) == [own]
        assert len(_temps(tmp_path)) == 2
    finally:
        running.kill()
        running.wait()
