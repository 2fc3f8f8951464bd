"""A real ``dpkg -i`` of the .deb (root only, and only when it can leave the machine as it found it): the
dependencies are satisfied, /usr/bin/kws and /usr/bin/kws-workbench work from the PATH, and removing the
package (even purging it) deletes /opt/kws-workbench but never the user's models, recordings or settings.
The package is removed again in teardown, whatever happened."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import workbench
from package_tools import run, user_env

pytestmark = pytest.mark.package

PACKAGE = "kws-workbench"
INSTALL_DIR = Path("/opt/kws-workbench")


def installed_status(package: str) -> str:
    return run(["dpkg-query", "-W", "-f=${Status}", package]).stdout


@pytest.fixture()
def system_install(deb: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("a real dpkg -i needs root (the scratch-root tests cover the installed tree)")
    if "installed" in installed_status(PACKAGE) or INSTALL_DIR.exists():
        pytest.skip(f"{PACKAGE} is already installed on this machine: not touching it")
    missing = run(["dpkg", "--dry-run", "-i", deb])
    if missing.returncode != 0:
        pytest.skip(f"the .deb's dependencies are not all installed here: {missing.stderr.strip()}")
    try:
        done = run(["dpkg", "-i", deb])
        assert done.returncode == 0, done.stderr
        yield deb
    finally:
        run(["dpkg", "--purge", PACKAGE])
        assert "installed" not in installed_status(PACKAGE)


def test_install_run_and_remove_keeps_user_data(system_install: Path, home: Path) -> None:
    env = user_env(home, PATH="/usr/bin:/bin")
    done = run(["kws", "--version"], env=env)
    assert (done.returncode, done.stdout.strip()) == (0, f"kws {workbench.__version__}")
    done = run(["kws-workbench", "--self-test"], env=env)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("OK"), done.stdout + done.stderr
    user_files = [home / ".local/share/kws-workbench/recordings/yes/me_nohash_0.wav",
                  home / ".config/KWS Workbench/KWS Workbench.ini", home / "models/mine.tflite"]
    for path in user_files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"user data")
    shutil.copy(INSTALL_DIR / "_internal/workbench/resources/models/tflite_micro_speech.tflite", user_files[2])
    removed = run(["dpkg", "--purge", PACKAGE])
    assert removed.returncode == 0, removed.stderr
    assert not INSTALL_DIR.exists() and not Path("/usr/bin/kws").exists()
    assert all(path.is_file() and path.stat().st_size for path in user_files)
