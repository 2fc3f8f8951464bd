"""The licence notices of everything a bundle carries: ``licenses/`` and ``THIRD-PARTY-NOTICES.txt``.

Why computed from the bundle: the notices must list what actually ships (the import analysis decides that,
not the requirement lists -- LiteRT, for instance, requires protobuf, which the bundle never loads), so the
spec hands the analysed top-level module names here and gets back the distributions they come from with
their licence files. Distributions whose wheels carry no licence file get the texts committed in
``packaging/licenses/``; a bundled distribution with neither stops the build, so a new dependency cannot
ship without its notice. Non-Python parts are credited too: CPython, PyInstaller's bootloader and the
bundled model and sample audio (Silicon Labs MLTK, Zlib).
"""

from __future__ import annotations

import re
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)
NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
HERE = Path(__file__).resolve().parent
TEXTS = HERE.parent / "licenses"
QT_TEXTS = ("qt-lgpl-notice.txt", "LGPL-3.0.txt", "GPL-3.0.txt")
# Texts for wheels that ship none, by normalised distribution name.
FALLBACK_TEXTS = {
    "pyside6-essentials": QT_TEXTS,
    "pyside6": QT_TEXTS,
    "shiboken6": QT_TEXTS,
    "flatbuffers": ("Apache-2.0.txt",),
    "pyserial": ("pyserial-BSD-3-Clause.txt",),
}
OWN_DISTRIBUTION = "kws-workbench"


@dataclass(frozen=True)
class Component:
    """One thing that ships, with its licence and the files that hold its notices."""

    name: str
    version: str
    license: str
    files: tuple[Path, ...] = field(default=())
    note: str = ""


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions_of(top_level_modules: set[str]) -> list[metadata.Distribution]:
    """The installed distributions providing these top-level modules (sorted by name, no duplicates)."""
    owners = metadata.packages_distributions()
    found: dict[str, metadata.Distribution] = {}
    for module in top_level_modules:
        for name in owners.get(module, []):
            key = normalise(name)
            if key != OWN_DISTRIBUTION and key not in found:
                found[key] = metadata.distribution(name)
    return [found[k] for k in sorted(found)]


def _license_name(dist: metadata.Distribution) -> str:
    md = dist.metadata
    text = md.get("License-Expression") or md.get("License") or ""
    if text and "\n" not in text and len(text) < 100:
        return text
    classifiers = [c.rsplit("::", 1)[-1].strip() for c in md.get_all("Classifier") or [] if c.startswith("License ::")]
    return "; ".join(classifiers) or "see the licence files"


def component_of(dist: metadata.Distribution) -> Component:
    name = dist.metadata["Name"]
    files = tuple(Path(str(dist.locate_file(f))) for f in dist.files or [] if LICENSE_FILE.search(str(f)))
    files = tuple(f for f in files if f.is_file())
    fallback = FALLBACK_TEXTS.get(normalise(name), ())
    files += tuple(TEXTS / text for text in fallback)
    if not files:
        raise SystemExit(f"the bundled distribution {name} ships no licence file and packaging/licenses has no text "
                         f"for it: add one (and its entry in FALLBACK_TEXTS in {Path(__file__).name})")
    return Component(name, dist.version, _license_name(dist), files)


def base_components(repo_root: Path) -> list[Component]:
    """What ships besides Python distributions: the interpreter, the bootloader, the bundled model and audio."""
    python_license = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    pyinstaller = metadata.distribution("pyinstaller")
    bootloader = [Path(str(pyinstaller.locate_file(f))) for f in pyinstaller.files or []
                  if LICENSE_FILE.search(str(f))]
    mltk = repo_root / "resources" / "models" / "MLTK-LICENSE.md"
    return [
        Component("Python", sys.version.split()[0], "PSF-2.0", tuple(p for p in [python_license] if p.is_file())),
        Component("PyInstaller bootloader", pyinstaller.version, "GPL-2.0-or-later WITH Bootloader-exception",
                  tuple(bootloader)),
        Component("Silicon Labs MLTK model tflite_micro_speech and sample audio", "", "Zlib", (mltk,),
                  note="resources/models/tflite_micro_speech.tflite and resources/audio/yes_no.wav"),
    ]


def _target_name(component: Component) -> str:
    return re.sub(r"[^A-Za-z0-9.+-]+", "_", f"{component.name}-{component.version}".strip("-"))


def notices_text(app_name: str, app_license: str, components: list[Component]) -> str:
    lines = [f"{app_name} is distributed under the {app_license} licence. It ships the following components,",
             "each under its own licence; the licence texts are in the folder named after each component.", ""]
    for c in components:
        lines.append(f"* {c.name} {c.version}".rstrip() + f" -- {c.license}")
        if c.note:
            lines.append(f"    {c.note}")
        lines.append(f"    licenses/{_target_name(c)}/")
    return "\n".join(lines) + "\n"


def license_tree(components: list[Component]) -> list[tuple[str, Path]]:
    """(path inside ``licenses/``, source file) for every notice file; names are kept unique per component."""
    entries = []
    for c in components:
        seen: set[str] = set()
        for source in c.files:
            name = source.name
            while name in seen:
                name = f"{source.parent.name}-{name}"
            seen.add(name)
            entries.append((f"{_target_name(c)}/{name}", source))
    return entries


def write_notices(out: Path, app_name: str, app_license: str, components: list[Component]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / NOTICES_NAME
    path.write_text(notices_text(app_name, app_license, components), encoding="utf-8")
    return path
