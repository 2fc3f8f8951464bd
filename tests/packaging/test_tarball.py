"""The .tar.gz of the bundle: one top folder with the program, the menu entry and icons for a per-user
install, root-owned reproducible entries, and a program that runs from wherever it is unpacked."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

import workbench
from package_tools import Packages, run, user_env

pytestmark = pytest.mark.package

APP_ID = "io.github.kwsworkbench.KwsWorkbench"


def test_archive_layout(packages: Packages) -> None:
    top = f"kws-workbench-{workbench.__version__}"
    with tarfile.open(packages.tarball) as tar:
        members = tar.getmembers()
    names = {m.name for m in members}
    for expected in ("kws", "kws-workbench", "INSTALL.txt", f"share/applications/{APP_ID}.desktop",
                     f"share/metainfo/{APP_ID}.metainfo.xml", f"share/icons/hicolor/256x256/apps/{APP_ID}.png"):
        assert f"{top}/{expected}" in names, expected
    assert all(m.name == top or m.name.startswith(top + "/") for m in members)
    assert {(m.uid, m.gid, m.uname) for m in members} == {(0, 0, "root")}
    assert len({m.mtime for m in members}) == 1


def test_unpacked_anywhere_it_runs(packages: Packages, tmp_path: Path, home: Path) -> None:
    with tarfile.open(packages.tarball) as tar:
        tar.extractall(tmp_path / "somewhere", filter="tar")
    program = next((tmp_path / "somewhere").glob("kws-workbench-*"))
    done = run([program / "kws-workbench", "--self-test"], env=user_env(home))
    assert done.returncode == 0, done.stdout + done.stderr
