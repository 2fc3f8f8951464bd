"""The sweep's best trial, copied into the sweep's output folder: its model, and its spec headed by the command
that trains it again.

Why a module of its own: the copy is the sweep's one user-facing result besides the tables, and what it writes
(a spec that repeats the trial with its seed and epoch cap, and a ``kws train`` line that runs as it is) is its
own concern, apart from driving Ray (:mod:`workbench.sweeps.sweep_run`).

With the ``frr`` objective a trial's figures are those of its calibration's recommended detection parameters,
not of the spec's ``[detection]`` values its ``kws train`` wrote into the model: the copy carries the
recommended ones (as ``kws calibrate --apply-to`` writes them), so the model does what its figures say. A best
trial whose recommendation detects none of the stream's keywords is still the best of the sweep, but it is no
setting to ship: :func:`best_warnings` says so.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from workbench.core.atomic_write import atomic_write_bytes, atomic_write_text
from workbench.core.errors import WorkbenchError
from workbench.sweeps.definition.objectives import WORST_FRR
from workbench.sweeps.definition.sweep_file import SweepFile
from workbench.sweeps.reporting.results import TrialRecord
from workbench.sweeps.sweep_preflight import TRIAL_SPEC_FILE

BEST_SPEC_FILE = "best-spec.toml"
PERCENT = 100.0
UNCHANGED_KEYS = ("latency_ms",)  # recommended as calibrated: the model's own, not worth a word


def copy_best(sweep: SweepFile, out: Path, best: TrialRecord) -> Path | None:
    """Copy ``best``'s model (with its recommended detection parameters, when it has them) and its spec as
    ``best-spec.toml`` into ``out``; the model's new path, None when the trial left no model. WorkbenchError when
    the files cannot be written."""
    if not best.model:
        return None
    source = Path(best.model)
    try:
        if best.detection:
            target = _save_with_detection(source, best.detection, out / source.name)
        else:
            target = atomic_write_bytes(out / source.name, source.read_bytes())
        spec = Path(best.folder) / TRIAL_SPEC_FILE
        if spec.is_file():
            atomic_write_text(out / BEST_SPEC_FILE, best_spec_text(sweep, out, best, spec))
    except OSError as exc:
        reason = exc.strerror or exc
        raise WorkbenchError(f"cannot copy the best model {source} into {out}: {reason}") from None
    return target


def _save_with_detection(source: Path, detection: dict[str, Any], target: Path) -> Path:
    """A copy of the model at ``source`` whose parameters hold ``detection`` (a calibration's recommended set):
    the model's own settings with the set's parameters, the list of per-class thresholds removed when the set
    has none -- what ``kws calibrate --apply-to`` writes."""
    from workbench.core.detection.never_detects import never_detects_reason
    from workbench.core.detection.settings import DetectionSettings
    from workbench.core.detection.tuning import save_settings_into_model
    from workbench.core.model.model_file import load_model

    model = load_model(source)
    settings = DetectionSettings.from_params({**model.params, **detection})
    reason = never_detects_reason(settings, model.classes)
    if reason:  # (a calibration never recommends such a set)
        raise WorkbenchError(f"the best model's recommended detection parameters cannot be written into "
                             f"{source.name}: {reason}")
    return save_settings_into_model(model, settings, target)


def detection_text(detection: dict[str, Any]) -> str:
    """The parameters as the model stores them ("detection_threshold 254, ..."), the unchanged ones left out."""
    return ", ".join(f"{key} {','.join(map(str, value)) if isinstance(value, list) else value}"
                     for key, value in detection.items() if value is not None and key not in UNCHANGED_KEYS)


def detection_sentence(best: TrialRecord) -> str:
    """What the copied model carries and what it measured so (frr objective), "" for a model copied as trained."""
    if not best.detection:
        return ""
    figures = ""
    if best.frr is not None and best.fa_per_hour is not None:
        figures = f": FRR {best.frr * PERCENT:.1f} % at {best.fa_per_hour:.1f} FA/h on the validation stream"
    return (f"the model carries its calibration's recommended detection parameters ({detection_text(best.detection)})"
            f"{figures}")


def best_warnings(best: TrialRecord | None) -> list[str]:
    """Why the best trial's model is no setting to ship although it is the best: its recommended parameters
    detect none of the stream's keywords (the least bad of sets that all miss every keyword)."""
    if best is None or best.frr is None or best.frr < WORST_FRR:
        return []
    return [f"the best trial's recommended detection parameters detect none of the validation stream's keywords "
            f"(FRR 100 % at {best.fa_per_hour or 0.0:.1f} FA/h), so its model is no setting to ship: train longer "
            "(epochs), search other settings or raise [objective] target_fa_per_hour"]


def best_spec_text(sweep: SweepFile, out: Path, best: TrialRecord, trial_spec_path: Path) -> str:
    """The best trial's spec with its epoch cap and seed, headed by the command that repeats it (with the
    --out kws train requires: a new folder named after the sweep, so the copied command runs as it is)."""
    from workbench.sweeps.definition.trial_spec import repeatable_spec

    if best.seed is None:  # a finished trial drew its seed
        raise WorkbenchError(f"trial {best.trial_id} has no seed: its spec cannot be repeated")
    spec = repeatable_spec(sweep, trial_spec_path, best.seed)
    command = ["kws", "train", "--spec", str(out / BEST_SPEC_FILE)]
    for dataset in sweep.datasets:
        command += ["--dataset", dataset.argument]
    command += ["--out", f"{sweep.name}_best"]
    header = (f"# trial {best.trial_id} of sweep {sweep.name} (objective {best.objective}); "
              f"repeat it with\n#   {shlex.join(command)}\n")
    if best.detection:
        header += ("# The sweep copied its model with the detection parameters its calibration recommends, not\n"
                   f"# this spec's [detection]: {detection_text(best.detection)}.\n"
                   "# Calibrate a model trained again from this spec (kws calibrate --apply-to) before you ship it.\n")
    return header + spec.to_toml()
