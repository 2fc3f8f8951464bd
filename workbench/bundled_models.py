"""The models that ship with the workbench (``resources/models/*.tflite``): what ``kws models`` lists.

Why a module of its own: the CLI, the GUI's model menu and the README all need the same list -- each
model's name, file, classes, MACs (counted by :func:`workbench.profiler.profile_model`, as MLTK counts
them) and which one is the default (:data:`workbench.assets.DEFAULT_MODEL`). Qt-free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench.assets import DEFAULT_MODEL, asset_path, resources_root
from workbench.core.model.model_file import TFLITE_SUFFIX, load_model
from workbench.profiler import profile_model

MODELS_DIR = "models"


@dataclass(frozen=True)
class BundledModel:
    name: str  # file stem, e.g. "tflite_micro_speech"
    path: Path
    classes: list[str]
    macs: int
    default: bool

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        return data


def bundled_models_dir() -> Path:
    """The folder of the bundled models (inside an installed package, so never a place to write)."""
    return resources_root() / MODELS_DIR


def bundled_model_file(name: str) -> Path | None:
    """The bundled model ``name`` names -- ``kws_yes_no`` or ``kws_yes_no.tflite``, as ``kws models`` lists
    them -- or None. Why: a user should not need to know where the package keeps its models; only a bare
    file name counts (a path with folders is a path, never a bundled name)."""
    if not name or Path(name).name != name or name.startswith("."):
        return None
    file_name = name if name.lower().endswith(TFLITE_SUFFIX) else name + TFLITE_SUFFIX
    path = bundled_models_dir() / file_name
    return path if path.is_file() else None


def is_bundled_model(path: Path) -> bool:
    """True when ``path`` is one of the bundled model files (however it was spelt)."""
    return path.resolve().parent == bundled_models_dir().resolve()


def copy_beside(model: Path, name: str) -> Path:
    """Where a copy of ``model`` called ``name`` is suggested: beside it, or in the home folder when ``model`` is
    bundled -- its folder is inside the installed workbench, which no save may write into."""
    return (Path.home() if is_bundled_model(model) else model.parent) / name


def bundled_models() -> list[BundledModel]:
    """Every bundled model, the default first, then by name. A broken bundled file raises ModelError."""
    default = asset_path(DEFAULT_MODEL).resolve()
    paths = sorted(bundled_models_dir().glob(f"*{TFLITE_SUFFIX}"))
    models = []
    for path in paths:
        model = load_model(path)
        summary = profile_model(model.tflite, name=path.stem).summary
        macs = summary.total_macs if summary is not None else 0
        models.append(BundledModel(path.stem, path, list(model.classes), int(macs), path.resolve() == default))
    return sorted(models, key=lambda m: (not m.default, m.name))
