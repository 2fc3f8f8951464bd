"""The system packages a Linux bundle needs: its ``Depends:`` line, computed from the ELF files it ships.

Why not dpkg-shlibdeps: it stops at the first library the build machine lacks (Qt's Wayland plugins need
``libwayland-cursor.so.0`` even where no Wayland is installed) and takes minutes on the ~130 files of a
bundle. What matters here is simpler: every ``NEEDED`` library that the bundle does not carry itself (the
spec leaves the system's libraries out on purpose) must come from a package, and glibc must be new enough
for the highest ``GLIBC_x.y`` symbol version referenced. Sonames are mapped to packages by asking dpkg
about the library the build machine has, else by Debian's naming rule (``libxcb-icccm.so.4`` ->
``libxcb-icccm4``). Libraries loaded with ``dlopen`` (PortAudio, by sounddevice) are invisible here:
callers add them by name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
NEEDED = re.compile(r"^\s*NEEDED\s+(\S+)", re.MULTILINE)
GLIBC_VERSION = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")
# Provided by libc6 itself (the dependency on it carries the version instead).
LIBC_SONAMES = frozenset({"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2",
                          "libmvec.so.1", "libutil.so.1", "libanl.so.1", "ld-linux-x86-64.so.2",
                          "ld-linux-aarch64.so.1", "ld-linux-armhf.so.3"})
LIBC_PACKAGE = "libc6"
# Where the naming rule is wrong (or the package differs between releases, first one given).
KNOWN_PACKAGES = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
                  "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
                  "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc-s1", "libz.so.1": "zlib1g",
                  "libbz2.so.1.0": "libbz2-1.0", "libcrypto.so.3": "libssl3", "libssl.so.3": "libssl3",
                  "libreadline.so.8": "libreadline8", "libsqlite3.so.0": "libsqlite3-0", "libuuid.so.1": "libuuid1",
                  "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libgssapi_krb5.so.2": "libgssapi-krb5-2",
                  "libbrotlicommon.so.1": "libbrotli1", "libbrotlidec.so.1": "libbrotli1"}


@dataclass(frozen=True)
class SystemNeeds:
    """What the bundle's ELF files need from the system."""

    sonames: frozenset[str]
    glibc: tuple[int, ...]

    @property
    def glibc_text(self) -> str:
        return ".".join(str(p) for p in self.glibc)


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(ELF_MAGIC)) == ELF_MAGIC
    except OSError:
        return False


def elf_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def _objdump() -> str:
    tool = shutil.which("objdump")
    if tool is None:
        raise SystemExit("objdump is missing (it is part of binutils: apt-get install binutils)")
    return tool


def system_needs(root: Path) -> SystemNeeds:
    """The sonames needed but not shipped under ``root``, and the newest glibc symbol version referenced."""
    files = elf_files(root)
    shipped = {p.name for p in root.rglob("*")}
    tool = _objdump()
    needed: set[str] = set()
    glibc: tuple[int, ...] = (0,)
    for path in files:
        out = subprocess.run([tool, "-p", str(path)], capture_output=True, text=True, check=True).stdout
        needed.update(n for n in NEEDED.findall(out) if n not in shipped)
        for version in GLIBC_VERSION.findall(out):
            glibc = max(glibc, tuple(int(p) for p in version.split(".")))
    return SystemNeeds(frozenset(needed), glibc)


def naming_rule_package(soname: str) -> str:
    """Debian's library package naming: libxcb-icccm.so.4 -> libxcb-icccm4, libxkbcommon-x11.so.0 -> ...-x11-0."""
    stem, _, version = soname.partition(".so.")
    stem = stem.lower().replace("_", "-")
    return f"{stem}{'-' if stem[-1:].isdigit() else ''}{version}"


def _library_paths() -> dict[str, list[str]]:
    """soname -> paths, from the dynamic linker's cache (native architecture entries first)."""
    tool = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        out = subprocess.run([tool, "-p"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    paths: dict[str, list[str]] = {}
    for line in out.splitlines()[1:]:
        name, _, path = line.strip().partition(" => ")
        paths.setdefault(name.split(" (", 1)[0], []).append(path)
    return paths


def _dpkg_owner(path: str) -> str | None:
    candidates = {path, str(Path(path).resolve())}
    candidates |= {"/usr" + c for c in list(candidates) if not c.startswith("/usr/")}
    for candidate in sorted(candidates):
        result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout:
            return result.stdout.split(":", 1)[0].split(",", 1)[0].strip()
    return None


def package_of(soname: str, library_paths: dict[str, list[str]]) -> str:
    if soname in KNOWN_PACKAGES:
        return KNOWN_PACKAGES[soname]
    if shutil.which("dpkg-query"):
        for path in library_paths.get(soname, []):
            owner = _dpkg_owner(path)
            if owner:
                return owner
    return naming_rule_package(soname)


def depends(needs: SystemNeeds, extra: tuple[str, ...] = ()) -> list[str]:
    """The ``Depends:`` entries: libc6 with its minimum version, then one entry per package, sorted."""
    paths = _library_paths()
    packages = {package_of(s, paths) for s in needs.sonames if s not in LIBC_SONAMES}
    packages |= set(extra)
    packages.discard(LIBC_PACKAGE)
    libc = f"{LIBC_PACKAGE} (>= {needs.glibc_text})" if needs.glibc > (0,) else LIBC_PACKAGE
    return [libc] + sorted(packages)
