"""What a bundle was built with, written into it as ``kws_bundle.json`` (and into a training runtime as
``runtime.json``): the two must agree on Python, platform and numpy for the runtime's compiled packages
to load in the bundle's interpreter. ``packaging/frozen/training_runtime.py`` compares them at start-up.
"""

from __future__ import annotations

import json
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

BUNDLE_MANIFEST = "kws_bundle.json"
RUNTIME_MANIFEST = "runtime.json"


def workbench_version() -> str:
    import workbench

    return workbench.__version__


def build_manifest() -> dict[str, str]:
    return {
        "workbench": workbench_version(),
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "platform": sysconfig.get_platform(),
        "numpy": metadata.version("numpy"),
    }


def write_manifest(path: Path, extra: dict[str, str] | None = None) -> Path:
    data = {**build_manifest(), **(extra or {})}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
