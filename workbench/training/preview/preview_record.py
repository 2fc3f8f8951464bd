"""``preview.json``: what an augmentation preview is of, and the line that says so when ``OUT`` holds a run of
something else.

Why: a preview is written into ``OUT/augmentation-preview`` whatever ``OUT`` holds -- a finished run of another spec
on other datasets too -- and ``index.csv`` names clips and drawn values, not the spec or the datasets, so such a
preview read as the run's own. The record beside the index names them (the spec's name and file, its ``--set``
changes, the datasets with their weights, the keywords, the seed, the samples asked for and written, the date), and
:func:`beside_run_line` says at once when the run in ``OUT`` (its ``spec.toml`` and ``run.json``, as
:mod:`workbench.training.run.output_folder` lays them out) is of another spec or other datasets.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError
from workbench.datasets.dataset_option import dataset_option_value
from workbench.run_folder_layout import RUN_FILE, RUN_SPEC_KEY, SPEC_FILE, SUMMARY_FILE
from workbench.training.run.run_request import DatasetArg, TrainRequest
from workbench.training.spec.model_spec import ModelSpec, load_spec

SPEC_KEY = "spec"  # the spec's name (the GUI's preview window shows it)
DATASETS_KEY = "datasets"  # [{"path": absolute folder, "weight": number}], as run.json has them


@dataclasses.dataclass(frozen=True)
class PreviewCounts:
    """How many samples were asked for (``--preview-augmentation N``), chosen (N, or the epoch's all when it has
    fewer) and written, and whether an interrupt ended the preview first."""

    requested: int
    chosen: int
    written: int
    interrupted: bool = False


def _datasets(datasets: tuple[DatasetArg, ...]) -> list[dict[str, Any]]:
    return [{"path": str(dataset.path.resolve()), "weight": dataset.weight} for dataset in datasets]


def preview_record(request: TrainRequest, spec: ModelSpec, counts: PreviewCounts,
                   when: datetime | None = None) -> str:
    """The text of ``preview.json`` for a preview of ``request`` resolved to ``spec`` (``when``: now)."""
    record = {SPEC_KEY: spec.name, "spec_file": str(spec.source.resolve()) if spec.source else None,
              "settings": {path: value for path, value in request.settings},
              DATASETS_KEY: _datasets(request.datasets), "keywords": list(spec.data.keywords),
              "seed": spec.training.seed, **dataclasses.asdict(counts),
              "date": (when or datetime.now().astimezone()).isoformat(timespec="seconds")}
    return json.dumps(record, indent=2, default=str) + "\n"


def _model_files_aside(spec: ModelSpec) -> str:
    """``spec`` as TOML without its starting weights and teacher: a run records those as absolute paths, a spec
    file may name them relative to itself, and neither changes the data a preview shows."""
    return spec.replace(init_from=None, training=dataclasses.replace(spec.training, teacher=None)).to_toml()


def _run_spec(out: Path) -> ModelSpec | None:
    try:
        return load_spec(out / SPEC_FILE) if (out / SPEC_FILE).is_file() else None
    except (WorkbenchError, OSError, ValueError):  # not a spec this version reads: nothing to compare
        return None


def _run_record(out: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((out / RUN_FILE).read_text(encoding="utf-8")) if (out / RUN_FILE).is_file() else None
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _same_datasets(record: dict[str, Any], request: TrainRequest) -> bool:
    try:
        stored = sorted((str(Path(d["path"]).resolve()), float(d.get("weight", 1.0))) for d in record[DATASETS_KEY])
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return stored == sorted((d["path"], float(d["weight"])) for d in _datasets(request.datasets))


def beside_run_line(out: Path, request: TrainRequest, spec: ModelSpec) -> str | None:
    """``OUT holds a run of spec default on other datasets: this preview is of ds_cnn_small on DIR, written beside
    it`` when ``out`` holds a run of another spec or of other datasets than the preview of ``request`` (resolved to
    ``spec``); None when it holds no run (no ``run.json``, no ``summary.json``: a spec file kept there is no run),
    or one of this very spec and these datasets."""
    if not any((out / name).is_file() for name in (RUN_FILE, SUMMARY_FILE)):
        return None
    run_spec, record = _run_spec(out), _run_record(out)
    other_spec = run_spec is not None and _model_files_aside(run_spec) != _model_files_aside(spec)
    other_data = record is not None and not _same_datasets(record, request)
    if not (other_spec or other_data):
        return None
    run_name = run_spec.name if run_spec is not None else str((record or {}).get(RUN_SPEC_KEY, "?"))
    run_words = f"spec {run_name}" + (" with other settings" if other_spec and run_name == spec.name else "")
    data_words = " on other datasets" if other_data else ""
    changes = ", ".join(f"{path}={json.dumps(value)}" for path, value in request.settings)
    preview_words = spec.name + (f" (--set {changes})" if changes else "")
    datasets = ", ".join(dataset_option_value(dataset.path, dataset.weight) for dataset in request.datasets)
    return (f"{out} holds a run of {run_words}{data_words}: this preview is of {preview_words} on {datasets}, "
            "written beside it")
