"""Running PyInstaller on ``packaging/kws_workbench.spec``: the one-folder bundle ``kws-workbench/``.

Why a wrapper: the build must fail with one clear sentence when PyInstaller is missing, keep PyInstaller's
long log out of the terminal (it is written to the work folder and its tail shown on failure), and hand
the build steps after it the bundle's path (on macOS, the ``.app`` next to it). It also refuses a bundle with a
link to a file it does not hold: the spec drops the links of the libraries it leaves out, and a dangling one
means something new slipped past that (the .deb and the .tar.gz would ship it).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "kws_workbench.spec"
BUNDLE_NAME = "kws-workbench"
LOG_TAIL_LINES = 40
# The interpreter's own libraries and our extension, built here (not patchelf-ed wheel libraries, which
# strip(1) breaks): stripping their symbols saves ~20 MB when Python was built with debug information.
STRIPPABLE = ("_internal/libpython*.so*", "_internal/python3*/lib-dynload/*.so", "_internal/workbench/_frontend*.so")


def build_bundle(dist_dir: Path, work_dir: Path) -> Path:
    """Build (or rebuild) the bundle into ``dist_dir/kws-workbench``; returns that folder."""
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit("PyInstaller is not installed in this environment: pip install pyinstaller "
                         "(the project's `package` extra)")
    work_dir.mkdir(parents=True, exist_ok=True)
    log = work_dir / "pyinstaller.log"
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist_dir), "--workpath", str(work_dir / "pyinstaller"), str(SPEC),
               "--", "--staging", str(work_dir / "staging")]
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-LOG_TAIL_LINES:]
        raise SystemExit("PyInstaller failed (log: {}):\n{}".format(log, "\n".join(tail)))
    bundle = dist_dir / BUNDLE_NAME
    strip_own_libraries(bundle)
    dangling = dangling_links(bundle)
    if dangling:
        raise SystemExit(f"the bundle {bundle} has links to files it does not hold: "
                         f"{', '.join(map(str, dangling))} (drop them in {SPEC.name}, as its without_links_to does "
                         "for the libraries it leaves out)")
    return bundle


def dangling_links(folder: Path) -> list[Path]:
    """The symbolic links under ``folder`` whose target does not exist, relative to ``folder`` (links to folders
    are not followed)."""
    found = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            if path.is_symlink() and not path.exists():
                found.append(path.relative_to(folder))
    return sorted(found)


def strip_own_libraries(bundle: Path) -> None:
    tool = shutil.which("strip")
    if tool is None or not sys.platform.startswith("linux"):
        return
    files = [p for pattern in STRIPPABLE for p in bundle.glob(pattern) if p.is_file() and not p.is_symlink()]
    if files:
        subprocess.run([tool, "--strip-unneeded", *map(str, files)], check=True)
