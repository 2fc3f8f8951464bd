"""The training runtime: TensorFlow and what it needs, for the frozen bundle's own interpreter.

Why not a second PyInstaller bundle: TensorFlow is ~1 GB of shared libraries loaded by its own import
machinery; freezing it is slow and brittle, and it would duplicate Python, numpy and the workbench. The
frozen bundle is a complete CPython (the spec collects the whole standard library for this), so the
runtime only needs the *installed packages*: the closure of the workbench's user-facing extras (``train``
today; whatever else ``pyproject.toml`` adds, e.g. sweeps or voices), copied file by file from the build
environment's ``site-packages`` with their ``.dist-info`` (TensorFlow and Keras read package metadata),
minus numpy (the bundle's numpy is the one loaded, so it must be the one TensorFlow was built against --
``runtime.json`` records it and the bundle checks it), minus what is never imported at run time (C/C++
headers, libclang). Every module is precompiled (``unchecked-hash`` pycs), so nothing is written into the
installed folder when it is imported.
"""

from __future__ import annotations

import compileall
import py_compile
import json
import re
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from kwspack import licenses, manifest, requirements

SITE_DIR = "site-packages"
ALSO_REQUIRED: tuple[str, ...] = ()  # optional imports of training beyond its extras (none today)
# Carried by the bundle (and ABI-bound to it), or never imported when training.
SKIPPED_DISTRIBUTIONS = frozenset({"numpy", "libclang", "pip", "wheel"})
SKIPPED_PATHS = re.compile(r"(^|/)(__pycache__/|tensorflow/include/)|^\.\./")
TENSORFLOW = "tensorflow"
COMPILE_WORKERS = 0  # one per CPU


@dataclass(frozen=True)
class RuntimeContents:
    folder: Path
    distributions: tuple[str, ...]
    tensorflow: str


def runtime_distributions() -> dict[str, metadata.Distribution]:
    """What the workbench's user-facing extras (``train``, and any added later) pull in beyond the bundle."""
    workbench = metadata.distribution(requirements.WORKBENCH_DISTRIBUTION)
    extras = requirements.user_extras(workbench)
    wanted = requirements.requirements_of(workbench, extras) + list(ALSO_REQUIRED)
    hint = f"pip install 'kws-workbench[{','.join(extras)}]' {' '.join(ALSO_REQUIRED)}".rstrip()
    return requirements.closure(wanted, skip=SKIPPED_DISTRIBUTIONS, missing_hint=hint)


def _copy_distribution(dist: metadata.Distribution, site: Path) -> None:
    for entry in dist.files or []:
        relative = entry.as_posix() if hasattr(entry, "as_posix") else str(entry)
        if SKIPPED_PATHS.search(relative):
            continue
        source = Path(str(dist.locate_file(entry)))
        if not source.is_file():
            continue
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def build_runtime(out: Path) -> RuntimeContents:
    """Write the runtime folder ``out`` (``site-packages/``, ``runtime.json``, notices); returns its contents."""
    dists = runtime_distributions()
    if TENSORFLOW not in dists:
        raise SystemExit("the workbench's train extra does not name tensorflow: nothing to build")
    if out.exists():
        shutil.rmtree(out)
    site = out / SITE_DIR
    site.mkdir(parents=True)
    for dist in dists.values():
        _copy_distribution(dist, site)
    if not compileall.compile_dir(str(site), quiet=2, workers=COMPILE_WORKERS,
                                  invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH):
        print("note: some modules of the training runtime do not compile (left as source)")
    components = [licenses.component_of(d) for d in dists.values()]
    licenses.write_notices(out, "The KWS Workbench training runtime", "MIT", components)
    for dest, source in licenses.license_tree(components):
        target = out / "licenses" / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    names = tuple(f"{d.metadata['Name']}=={d.version}" for d in dists.values())
    tensorflow = dists[TENSORFLOW].version
    manifest.write_manifest(out / manifest.RUNTIME_MANIFEST, {"tensorflow": tensorflow})
    (out / "distributions.json").write_text(json.dumps(list(names), indent=1) + "\n", encoding="utf-8")
    return RuntimeContents(out, names, tensorflow)
