"""The calibration's temporary run folders: named for their process; those of an ended process are removed when a
workspace is created, those of a running one and every other name are left alone. Real folders, real pids."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace
from workbench.core.stale_temps import process_alive
from workbench.gui.calibration.run_folders import PREFIX, new_run_folder, owner_of, remove_orphaned_run_folders

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="on Windows no process is asked: all count as running")


@pytest.fixture(scope="module")
def dead_pid() -> int:
    """The pid of a child that has ended and been reaped: no such process any more."""
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def _run_folder(temp_dir: Path, name: str) -> Path:
    """A run folder as a run leaves it: a file inside a sub-folder."""
    folder = temp_dir / name
    (folder / "run").mkdir(parents=True)
    (folder / "run" / "calibration.json").write_text("{}")
    return folder


def test_a_new_run_folder_carries_this_process_id(tmp_path: Path) -> None:
    folder = new_run_folder(tmp_path)
    assert folder.is_dir() and folder.parent == tmp_path
    assert folder.name.startswith(f"{PREFIX}{os.getpid()}-") and owner_of(folder.name) == os.getpid()
    assert new_run_folder(tmp_path) != folder


def test_only_names_with_a_process_id_have_an_owner() -> None:
    assert owner_of(f"{PREFIX}4321-ab_c9") == 4321
    assert owner_of(f"{PREFIX}ab1x_9q2") is None  # named before names carried the pid
    assert owner_of(f"{PREFIX}12345678") is None  # mkdtemp's letters may all be digits: no "-" follows
    assert owner_of(f"{PREFIX}0-abc") is None and owner_of(f"x{PREFIX}12-abc") is None
    assert owner_of("kws-training-12-abc") is None


@posix_only
def test_a_process_that_ended_is_not_running(dead_pid: int) -> None:
    assert process_alive(os.getpid()) and not process_alive(dead_pid)
    assert process_alive(1)  # init: alive, and another user's (PermissionError) unless the tests run as root


@posix_only
def test_only_the_folders_of_ended_processes_are_removed(tmp_path: Path, dead_pid: int) -> None:
    orphan = _run_folder(tmp_path, f"{PREFIX}{dead_pid}-k2j4_x9a")
    mine = _run_folder(tmp_path, f"{PREFIX}{os.getpid()}-q8w7e6r5")
    old_style = _run_folder(tmp_path, f"{PREFIX}a1b2c3d4")
    other = _run_folder(tmp_path, f"kws-training-{dead_pid}-abc")
    a_file = tmp_path / f"{PREFIX}{dead_pid}-file"
    a_file.write_text("not a run folder")
    target = _run_folder(tmp_path, "elsewhere")
    link = tmp_path / f"{PREFIX}{dead_pid}-link"
    link.symlink_to(target, target_is_directory=True)
    assert remove_orphaned_run_folders(tmp_path) == [orphan]
    assert not orphan.exists()
    assert all(path.is_dir() for path in (mine, old_style, other, target, link))
    assert a_file.read_text() == "not a run folder" and (target / "run" / "calibration.json").is_file()
    assert remove_orphaned_run_folders(tmp_path) == []  # nothing left to remove
    assert remove_orphaned_run_folders(tmp_path / "no such folder") == []


@posix_only
def test_creating_the_workspace_clears_the_orphans_of_the_temp_dir(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, dead_pid: int, monkeypatch: pytest.MonkeyPatch) -> None:
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_dir))  # what tempfile.gettempdir() answers
    orphan = _run_folder(temp_dir, f"{PREFIX}{dead_pid}-k2j4_x9a")
    mine = _run_folder(temp_dir, f"{PREFIX}{os.getpid()}-q8w7e6r5")
    host = WorkspaceHostDouble(tmp_path)
    view = CalibrationWorkspace(host)
    qtbot.addWidget(view)
    try:
        assert not orphan.exists() and mine.is_dir()
    finally:
        view.shutdown()
        host.controller.close()
