"""Finding the optional training runtime (TensorFlow) of a frozen bundle and putting it on the path.

Why apart from the bundle: TensorFlow is ~1 GB installed, four times the rest of the application, and
only ``kws train`` needs it. It ships as a separate "training runtime": the packages TensorFlow needs
(``site-packages/``), built for exactly this bundle's Python and numpy, plus a ``runtime.json`` that
says so. It is found in one of two places:

* ``training/`` beside the executables (``/opt/kws-workbench/training`` from the
  ``kws-workbench-training`` .deb, ``{app}\\training`` from the Windows installer's optional component);
* ``<user data>/training-runtime`` (the runtime archive unpacked by the user: no admin rights, and the
  only choice inside a signed macOS ``.app``).

The bundle keeps its own interpreter and numpy; the runtime's folder is appended to ``sys.path``, so a
module the bundle carries always wins. Only the command line does this (the window never imports
TensorFlow: training runs in a ``kws`` child). Standard library only, imported at start-up.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "kws-workbench"
RUNTIME_DIR = "training"  # beside the executables
USER_RUNTIME_DIR = "training-runtime"  # in the user data folder
RUNTIME_MANIFEST = "runtime.json"
BUNDLE_MANIFEST = "kws_bundle.json"  # in the bundle's _internal folder, written by the build
SITE_DIR = "site-packages"
TRAINING_COMMANDS = frozenset({"train"})
HELP_FLAGS = frozenset({"-h", "--help"})
COMPATIBILITY_KEYS = ("python", "platform", "numpy")
TENSORFLOW = "tensorflow"


@dataclass(frozen=True)
class RuntimeStatus:
    """Whether TensorFlow can be imported, where from, and if not, the one sentence that says why."""

    active: bool
    location: Path | None = None
    problem: str | None = None


def needs_runtime(args: list[str]) -> bool:
    """True for a command line that trains (``kws train …``), but not for its ``--help``."""
    command = next((a for a in args if not a.startswith("-")), None)
    return command in TRAINING_COMMANDS and not HELP_FLAGS.intersection(args)


def bundle_dir() -> Path:
    """The folder holding the bundle's executables (``/opt/kws-workbench``)."""
    return Path(sys.executable).resolve().parent


def candidate_dirs() -> list[Path]:
    """Where a training runtime may be, in the order they are tried."""
    dirs = [bundle_dir() / RUNTIME_DIR]
    try:
        from platformdirs import user_data_path
    except ImportError:  # a bundle built without platformdirs: only the system place
        return dirs
    dirs.append(user_data_path(APP_NAME, appauthor=False) / USER_RUNTIME_DIR)
    return dirs


def _read_json(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def bundle_manifest() -> dict[str, str]:
    """What this bundle was built with (Python, platform, numpy, workbench version)."""
    root = Path(getattr(sys, "_MEIPASS", bundle_dir()))
    return _read_json(root / BUNDLE_MANIFEST) or {}


def _describe(manifest: dict[str, str]) -> str:
    return ", ".join(f"{key} {manifest.get(key, '?')}" for key in COMPATIBILITY_KEYS)


def missing_message(places: list[Path]) -> str:
    """The one sentence for no runtime in ``places``. The archive is unpacked into the user data folder, the
    parent of ``training-runtime``: its top folder already is ``training-runtime/`` (the build's
    TRAINING_TAR_TOP), so unpacking into ``training-runtime`` itself, as this once said, made
    ``training-runtime/training-runtime`` and no runtime was found. INSTALL.txt and ``kws sweep`` say the same."""
    looked = f"looked in {' and '.join(str(p) for p in places)}"
    archive = ""
    user_place = next((p for p in places if p.name == USER_RUNTIME_DIR), None)
    if user_place is not None:  # None in a bundle built without platformdirs: only the package then
        archive = (f", or unpack the training runtime archive (its top folder is {USER_RUNTIME_DIR}) into the user "
                   f"data folder {user_place.parent}")
    return ("training needs the KWS Workbench training runtime (TensorFlow), which is not installed: install "
            f"the kws-workbench-training package{archive} ({looked})")


def check_runtime(folder: Path, bundle: dict[str, str]) -> str | None:
    """None when ``folder`` holds a runtime this bundle can use, else the reason it cannot."""
    manifest = _read_json(folder / RUNTIME_MANIFEST)
    if manifest is None or not (folder / SITE_DIR).is_dir():
        return f"the training runtime in {folder} is damaged (no {RUNTIME_MANIFEST} or {SITE_DIR}): reinstall it"
    if any(manifest.get(key) != bundle.get(key) for key in COMPATIBILITY_KEYS):
        return (f"the training runtime in {folder} was built for {_describe(manifest)}, but this KWS Workbench "
                f"has {_describe(bundle)}: install the training runtime of this version")
    return None


def activate() -> RuntimeStatus:
    """Put the first usable training runtime on ``sys.path`` (idempotent)."""
    if importlib.util.find_spec(TENSORFLOW) is not None:
        return RuntimeStatus(active=True)
    places = candidate_dirs()
    present = [p for p in places if (p / RUNTIME_MANIFEST).exists() or (p / SITE_DIR).exists()]
    if not present:
        return RuntimeStatus(active=False, problem=missing_message(places))
    bundle = bundle_manifest()
    problems = []
    for folder in present:
        problem = check_runtime(folder, bundle)
        if problem is None:
            site = str(folder / SITE_DIR)
            if site not in sys.path:
                sys.path.append(site)
            return RuntimeStatus(active=True, location=folder)
        problems.append(problem)
    return RuntimeStatus(active=False, problem=problems[0])
