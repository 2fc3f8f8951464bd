"""``scripts/setup.sh``, which ``make run`` and ``make test`` start with: it installs the workbench into ``.venv/``
only when the build inputs changed, so that, as the README says, later runs start at once -- also ``make run``
after ``make test``, whose install holds every extra a run needs.

The real script runs on a copy of the checkout's layout whose ``.venv/bin/python`` is a stand-in that records each
call (the pip installs), and with a PATH that holds only the tools the script uses: no ``dpkg-query``, so no system
package is looked at or installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "setup.sh"
TOOLS = ("dirname", "cat", "sha256sum", "cut", "ls", "rm")  # what the script runs once the .venv exists
CALLS_LOG = "python-calls.log"
STAND_IN_PYTHON = f'#!/bin/sh\necho "$@" >> "$(dirname "$0")/../../{CALLS_LOG}"\n'


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The files setup.sh reads (the build inputs it digests), the script itself and a .venv with the stand-in."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, root / "scripts" / "setup.sh")
    (root / "pyproject.toml").write_text("[project]\nname = 'stand-in'\n")
    (root / "CMakeLists.txt").write_text("project(stand_in C)\n")
    (root / "native").mkdir()
    (root / "native" / "frontend.c").write_text("int frontend;\n")
    (root / "resources").mkdir()
    (root / "resources" / "model.tflite").write_bytes(b"TFL3")
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(STAND_IN_PYTHON)
    python.chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is not installed"
        (tools / tool).symlink_to(found)
    return root


def _setup(checkout: Path, profile: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``setup.sh PROFILE``; return the run and the stand-in python's calls it made."""
    log = checkout / CALLS_LOG
    log.unlink(missing_ok=True)
    tools = checkout.parent / "tools"
    bash = shutil.which("bash")
    assert bash
    run = subprocess.run([bash, "scripts/setup.sh", profile], cwd=checkout, capture_output=True, text=True,
                         env={"PATH": str(tools)}, timeout=60)
    assert run.returncode == 0, run.stderr
    return run, log.read_text().splitlines() if log.exists() else []


def test_make_run_after_make_test_installs_nothing(checkout: Path) -> None:
    _, calls = _setup(checkout, "test")
    assert any("-e .[train,plots,cluster,package,voices,test]" in call for call in calls), calls
    run, calls = _setup(checkout, "run")
    assert calls == [] and "installing" not in run.stdout, calls


def test_a_run_install_does_not_stand_for_a_test_install(checkout: Path) -> None:
    _setup(checkout, "run")
    _, calls = _setup(checkout, "test")
    assert any("-e .[train,plots,cluster,package,voices,test]" in call for call in calls), calls


def test_changed_build_inputs_install_again_after_make_test(checkout: Path) -> None:
    _setup(checkout, "test")
    (checkout / "native" / "frontend.c").write_text("int frontend_changed;\n")
    _, calls = _setup(checkout, "run")
    assert any("-e .[train,plots]" in call for call in calls), calls
    _, calls = _setup(checkout, "run")
    assert calls == [], calls
