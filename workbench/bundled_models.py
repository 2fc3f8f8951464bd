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


def bundled_models() -> list[BundledModel]:
    """Every bundled model, the default first, then by name. A broken bundled file raises ModelError."""
    default = asset_path(DEFAULT_MODEL).resolve()
    paths = sorted((resources_root() / MODELS_DIR).glob(f"*{TFLITE_SUFFIX}"))
    models = []
    for path in paths:
        model = load_model(path)
        summary = profile_model(model.tflite, name=path.stem).summary
        macs = summary.total_macs if summary is not None else 0
        models.append(BundledModel(path.stem, path, list(model.classes), int(macs), path.resolve() == default))
    return sorted(models, key=lambda m: (not m.default, m.name))
