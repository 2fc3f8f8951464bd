"""Helpers and fixtures of the packaging tests (this folder's conftest.py imports the fixtures): the packages
built once per test session, and installed into a scratch root.

The build (``packaging/build.py``, PyInstaller + dpkg-deb) takes a minute or two, so it runs once per session
into a temporary folder (never into the repository) and every test of the session uses the result. The .deb is
unpacked with ``dpkg-deb -x`` into a scratch root: the installed tree exactly as dpkg would lay it out, without
touching the machine (``test_deb_install.py`` does a real ``dpkg -i`` when it may). Tests are skipped, with the
reason, only when a build tool is absent (PyInstaller, dpkg-deb, objdump).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO_ROOT / "packaging" / "build.py"
BUILD_TIMEOUT_S = 3600
RUN_TIMEOUT_S = 300
SAMPLE = Path("_internal/workbench/resources/audio/yes_no.wav")
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def require_tool(name: str, why: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed ({why})")
    return path


def require_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed in this environment (pip install pyinstaller: the package extra)")


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user with an empty home and no display (a display only when ``extra`` sets one)."""
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES and not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), LANG="C.UTF-8")
    env.update(extra)
    return env


def run(command: list[str | Path], env: dict[str, str] | None = None, timeout: float = RUN_TIMEOUT_S,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)


def build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = run(["nice", sys.executable, BUILD_SCRIPT, *args], timeout=BUILD_TIMEOUT_S)
    assert done.returncode == 0, f"packaging/build.py {' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done


@dataclass(frozen=True)
class Packages:
    """What ``packaging/build.py`` produced in this session."""

    dist: Path
    work: Path
    bundle: Path
    tarball: Path
    deb: Path | None


@dataclass(frozen=True)
class Installed:
    """A package tree unpacked under ``root`` as dpkg would install it."""

    root: Path

    @property
    def app(self) -> Path:
        return self.root / "opt" / "kws-workbench"

    @property
    def kws(self) -> Path:
        return self.app / "kws"

    @property
    def gui(self) -> Path:
        return self.app / "kws-workbench"

    @property
    def sample(self) -> Path:
        return self.app / SAMPLE


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Packages]:
    """The bundle, the .tar.gz and (with dpkg-deb) the .deb, built once per session (deleted after it: with
    the training runtime this is gigabytes)."""
    require_pyinstaller()
    require_tool("objdump", "PyInstaller and the .deb dependency scan need binutils")
    out = tmp_path_factory.mktemp("packages")
    targets = ["bundle", "tar"] + (["deb"] if shutil.which("dpkg-deb") else [])
    build(*targets, "--dist", out / "dist", "--work", out / "work")
    dist = out / "dist"
    debs = sorted(dist.glob("kws-workbench_*.deb"))
    yield Packages(dist=dist, work=out / "work", bundle=dist / "kws-workbench",
                   tarball=next(dist.glob("kws-workbench-*.tar.gz")), deb=debs[0] if debs else None)
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def deb(packages: Packages) -> Path:
    if packages.deb is None:
        pytest.skip("dpkg-deb is not installed (the .deb is built on Debian/Ubuntu only)")
    return packages.deb


@pytest.fixture(scope="session")
def installed(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("root")
    done = run(["dpkg-deb", "-x", deb, root])
    assert done.returncode == 0, done.stderr
    yield Installed(root)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path
