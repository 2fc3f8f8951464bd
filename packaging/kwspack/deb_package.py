"""Debian packages: ``kws-workbench`` (the bundle, launchers, menu entry, icons, AppStream metadata) and
``kws-workbench-training`` (the training runtime), laid out in a staging tree and built with ``dpkg-deb``.

Why this layout: the bundle is a self-contained folder, so it goes to ``/opt/kws-workbench`` as built, and
``/usr/bin/kws`` and ``/usr/bin/kws-workbench`` are symlinks to its two executables (no wrapper process
at start-up; the bundle finds its ``_internal`` folder through ``/proc/self/exe``). The menu entry, icons and
metainfo use the application id, so Wayland shells match the window (``setDesktopFileName``) to them.

No maintainer scripts: dpkg's file triggers of desktop-file-utils and the hicolor icon theme refresh the
menu and icon caches, and nothing of the user's (models, recordings, settings, all under the platformdirs
folders in the home directory) is ever touched by an install, upgrade or removal. ``dpkg-deb
--root-owner-group`` makes every file root-owned without fakeroot.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kwspack.documents import DOCS_DIR

APP_ID = "io.github.kwsworkbench.KwsWorkbench"
PACKAGE = "kws-workbench"
TRAINING_PACKAGE = "kws-workbench-training"
INSTALL_DIR = Path("opt") / PACKAGE
TRAINING_DIR_NAME = "training"
LAUNCHERS = ("kws", "kws-workbench")
# The documentation inside the bundle (kwspack/documents.py), where the help texts cite it; Debian's place for
# it, /usr/share/doc/kws-workbench/docs, is a link there (one copy, and the same path whichever way it is found).
BUNDLE_CONTENTS = "_internal"  # PyInstaller's folder of everything but the executables
BUNDLE_DOCS = Path(BUNDLE_CONTENTS) / DOCS_DIR
DEBIAN_DOCS_LINK = "docs"
MAINTAINER = "KWS Workbench developers <kws-workbench@users.noreply.github.com>"
SECTION = "science"
COMPRESSIONS = ("xz", "zstd", "gzip", "none")
# What the bundle loads with dlopen (invisible to the ELF scan) or needs to be useful.
APP_EXTRA_DEPENDS = ("libportaudio2",)
APP_RECOMMENDS = ("libasound2-plugins",)  # ALSA's PulseAudio/PipeWire plugin: the desktop's microphones
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
EXECUTABLE_MODE = 0o755
FILE_MODE = 0o644
KIB = 1024


@dataclass(frozen=True)
class DebPackage:
    """The control fields of one binary package."""

    name: str
    version: str
    architecture: str
    depends: tuple[str, ...]
    summary: str
    description: str
    recommends: tuple[str, ...] = ()
    suggests: tuple[str, ...] = ()

    def control(self, installed_kib: int) -> str:
        fields = [("Package", self.name), ("Version", self.version), ("Architecture", self.architecture),
                  ("Maintainer", MAINTAINER), ("Installed-Size", str(installed_kib)),
                  ("Depends", ", ".join(self.depends)), ("Recommends", ", ".join(self.recommends)),
                  ("Suggests", ", ".join(self.suggests)), ("Section", SECTION), ("Priority", "optional")]
        lines = [f"{key}: {value}" for key, value in fields if value]
        body = [f" {line}" if line.strip() else " ." for line in self.description.strip().splitlines()]
        return "\n".join(lines + [f"Description: {self.summary}"] + body) + "\n"


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def _link_or_copy(source: str, target: str) -> None:
    """Hard links where the file system allows (staging a 1.7 GB runtime costs no copy), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)


def _normalise_modes(root: Path) -> None:
    """Directories and executables 0755, everything else 0644 (whatever the build machine's umask was)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or os.access(path, os.X_OK):
            path.chmod(EXECUTABLE_MODE)
        else:
            path.chmod(FILE_MODE)


def _installed_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_relative_to(root / "DEBIAN"):
            continue
        total += -(-path.lstat().st_size // KIB) if path.is_file() and not path.is_symlink() else 1
    return total


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.is_relative_to(root / "DEBIAN"):
            digest = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 (dpkg's own format)
            lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


MIT_TEXT = """Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:
.
The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.
.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE."""


def _copyright(package: str, notices: str) -> str:
    """A machine-readable debian/copyright: the workbench's MIT licence, the rest pointed to in the bundle."""
    licence = "\n".join(f" {line}" for line in MIT_TEXT.splitlines())
    return ("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
            f"Upstream-Name: {package}\n\n"
            "Files: *\n"
            "Copyright: KWS Workbench developers\n"
            "License: MIT\n"
            "Comment: the third-party components this package ships, their licences and notices are listed in\n"
            f" {notices}/THIRD-PARTY-NOTICES.txt, with their licence texts in {notices}/licenses/.\n\n"
            f"License: MIT\n{licence}\n")


def stage_desktop_files(linux_files: Path, icons: Path, share: Path) -> Path:
    """Menu entry, AppStream metainfo and hicolor icons under ``share`` (``usr/share`` or ``~/.local/share``)."""
    for kind, suffix in (("applications", ".desktop"), ("metainfo", ".metainfo.xml")):
        (share / kind).mkdir(parents=True, exist_ok=True)
        shutil.copy2(linux_files / f"{APP_ID}{suffix}", share / kind / f"{APP_ID}{suffix}")
    for size in ICON_SIZES:
        target = share / f"icons/hicolor/{size}x{size}/apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(icons / f"kws-workbench-{size}.png", target / f"{APP_ID}.png")
    (share / "icons/hicolor/scalable/apps").mkdir(parents=True, exist_ok=True)
    shutil.copy2(icons / "kws-workbench.svg", share / f"icons/hicolor/scalable/apps/{APP_ID}.svg")
    return share


def stage_app(bundle: Path, linux_files: Path, icons: Path, root: Path) -> Path:
    """The ``kws-workbench`` tree under ``root``: /opt, /usr/bin launchers, menu entry, icons, metainfo, doc
    (the copyright file and a link to the bundle's documentation)."""
    if root.exists():
        shutil.rmtree(root)
    _copy_tree(bundle, root / INSTALL_DIR)
    (root / "usr/bin").mkdir(parents=True)
    for name in LAUNCHERS:
        (root / "usr/bin" / name).symlink_to(Path("/") / INSTALL_DIR / name)
    share = stage_desktop_files(linux_files, icons, root / "usr/share")
    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(_copyright(PACKAGE, f"/{INSTALL_DIR}/{BUNDLE_CONTENTS}"), encoding="utf-8")
    if not (bundle / BUNDLE_DOCS).is_dir():
        raise SystemExit(f"the bundle {bundle} has no {BUNDLE_DOCS.as_posix()}: rebuild it (build.py bundle)")
    (doc / DEBIAN_DOCS_LINK).symlink_to(Path("/") / INSTALL_DIR / BUNDLE_DOCS)
    return root


def stage_training(runtime: Path, root: Path) -> Path:
    """The ``kws-workbench-training`` tree: the runtime folder at /opt/kws-workbench/training, and its doc."""
    if root.exists():
        shutil.rmtree(root)
    _copy_tree(runtime, root / INSTALL_DIR / TRAINING_DIR_NAME)
    doc = root / "usr/share/doc" / TRAINING_PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(_copyright(TRAINING_PACKAGE, f"/{INSTALL_DIR}/{TRAINING_DIR_NAME}"),
                                   encoding="utf-8")
    return root


def build_deb(package: DebPackage, root: Path, out_dir: Path, compression: str = "xz") -> Path:
    """Write DEBIAN/control and md5sums into the staged ``root`` and build ``<name>_<version>_<arch>.deb``."""
    if compression not in COMPRESSIONS:
        raise ValueError(f"unknown compression {compression!r} (one of {', '.join(COMPRESSIONS)})")
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("dpkg-deb is missing: the .deb can only be built on Debian/Ubuntu (apt-get install dpkg)")
    _normalise_modes(root)
    control_dir = root / "DEBIAN"
    control_dir.mkdir(exist_ok=True)
    (control_dir / "md5sums").write_text(_md5sums(root), encoding="utf-8")
    (control_dir / "control").write_text(package.control(_installed_kib(root)), encoding="utf-8")
    for path in control_dir.iterdir():
        path.chmod(FILE_MODE)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{package.name}_{package.version}_{package.architecture}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    return deb
